"""The entity page, ``/entity/<id>``: a graph the analyst can work.

- ``layout``: the page's Dash layout; ``callbacks``: its callbacks (thin: parse, read, convert, return);
- ``state``: the view in the URL's query string and the working graph kept per browser tab in a ``dcc.Store``;
  ``actions``: the analyst's actions on the working graph (expand, hide, pin, remove);
- ``render``: everything drawn from the working graph and the view; ``elements``: the one builder of cytoscape
  nodes and edges (the paths page draws through it too); ``filters``, ``positions``, ``timeline``, ``exposure``,
  ``risk`` (shared infrastructure and the risk sentences); ``styles``: the cytoscape stylesheet and legend;
- the page's CSS and clientside script: ``dashboard/assets/entity.css`` and ``entity.js``, served by Dash.
"""
