"""Regenerate the README figure from the processed store: `python docs/make_figure.py`."""

import ogi
from ogi import paths, plots, views

corpus = ogi.load()
view = views.TrendView(corpus, "平潭综合实验区", 2019, 2025)
plots.page(None, view.source())
shares = view.outcome_shares()
shares = shares.loc[:, shares.fillna(0).any()].rename(columns={**plots.GROUP_LABELS, "unread": plots.UNREAD_LABEL})
ax = plots.lines(shares, title="平潭综合实验区: 依申请公开办理结果占比 outcome shares, 2019–2025", percent=True, marks=view.format_switches())
ax.figure.savefig(paths.ROOT / "docs" / "trends_pingtan.png", dpi=110)
print("wrote docs/trends_pingtan.png")
