"""The graph (or a part of it) as files to take away, one implementation for the CLI and the dashboard.

- ``graph.exports.ftm``: FollowTheMoney entities as JSON lines (with stats and validation against the
  followthemoney model), and SAME_AS candidates as resolver judgements (docs/ftm-mapping.md).
- ``graph.exports.tabular``: node and edge CSV rows, and the two CSV files in one zip.
- ``graph.exports.graphml``: GraphML for yEd, Gephi, Cytoscape desktop, networkx.
- ``graph.exports.common``: what the three share (the relationships a part of the graph shows, value texts).

Pure functions over ``graph.model`` objects (``Entity``, ``Relationship``, ``Subgraph``); the whole-graph FtM
export reads a ``GraphReader`` in pages. No Dash here: the dashboard adds only its drawing and its payload glue.
"""
