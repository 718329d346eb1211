"""The page's CSS, served inline with the HTML so the dashboard needs no asset files next to an installed package."""

from __future__ import annotations

from dashboard.entity.styles import FRONT_ORANGE, SANCTIONED_RED

CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
       background: #f6f7f9; line-height: 1.4; }}
a {{ color: #0b57d0; }}
.navbar {{ display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #1f2a37; color: #fff; }}
.navbar .brand {{ color: #fff; font-weight: 700; font-size: 1.1rem; text-decoration: none; white-space: nowrap; }}
.navbar .nav-search {{ display: flex; gap: .4rem; flex: 1; max-width: 520px; }}
.navbar input {{ flex: 1; padding: .35rem .6rem; border-radius: 4px; border: 1px solid #6b7280; }}
.button, .navbar button {{ padding: .35rem .9rem; border-radius: 4px; border: 1px solid #0b57d0; background: #0b57d0;
       color: #fff; cursor: pointer; font-size: .95rem; }}
.page {{ padding: 1rem 1.5rem 2rem; }}
h1 {{ font-size: 1.5rem; margin: .3rem 0 .8rem; }}
h2 {{ font-size: 1.15rem; margin: .2rem 0 .6rem; }}
.hint {{ color: #555; font-size: .9rem; }}
.search-form {{ display: flex; gap: .5rem; max-width: 720px; margin-bottom: 1rem; }}
.search-input {{ flex: 1; padding: .5rem .7rem; font-size: 1rem; border: 1px solid #9ca3af; border-radius: 4px; }}
.results-table {{ border-collapse: collapse; width: 100%; max-width: 1100px; background: #fff; }}
.results-table th, .results-table td {{ text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #e5e7eb;
       vertical-align: top; }}
.results-table th {{ background: #eef1f5; font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; }}
.results-table tr.sanctioned td:first-child {{ border-left: 4px solid {SANCTIONED_RED}; }}
.result-link {{ font-weight: 600; }}
.reason {{ color: #555; font-size: .85rem; font-style: italic; }}
.no-results {{ font-size: 1.05rem; }}
.badge {{ display: inline-block; padding: .1rem .45rem; margin-right: .3rem; border-radius: 3px; font-size: .75rem;
       font-weight: 700; letter-spacing: .05em; vertical-align: middle; }}
.badge-sanctioned {{ background: {SANCTIONED_RED}; color: #fff; border: 2px solid #7a0000; }}
.badge-front {{ background: #fff; color: #7a4b00; border: 2px dashed {FRONT_ORANGE}; }}
.badge-blocked {{ background: #fff; color: {SANCTIONED_RED}; border: 2px dashed {SANCTIONED_RED}; }}
.badge-possibly {{ background: #fff; color: {SANCTIONED_RED}; border: 2px dotted {SANCTIONED_RED}; }}
.risk-sentence {{ margin: .2rem 0; }}
.export-controls {{ display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .35rem .6rem; }}
.export-label {{ font-weight: 600; color: #374151; margin-right: .2rem; }}
.export-button {{ padding: .2rem .65rem; border-radius: 4px; border: 1px solid #0b57d0; background: #fff;
       color: #0b57d0; cursor: pointer; font-size: .85rem; }}
.export-button:hover {{ background: #eef3fd; }}
.alert {{ padding: .8rem 1rem; border-radius: 4px; margin: .8rem 0; max-width: 900px; }}
.alert p {{ margin: 0 0 .4rem; font-size: 1.05rem; }}
.alert-error {{ background: #fdecea; border: 1px solid #f5c2c0; border-left: 5px solid {SANCTIONED_RED}; }}
.entity-header h1 {{ margin-bottom: .2rem; }}
.entity-facts {{ display: flex; gap: 1rem; align-items: center; color: #374151; margin-bottom: .6rem; }}
.controls {{ display: flex; gap: .8rem; align-items: center; margin: .4rem 0; }}
.hops label {{ margin-right: .9rem; cursor: pointer; }}
.notes p {{ margin: .2rem 0; }}
.omitted {{ color: #7a4b00; font-weight: 600; }}
.note {{ color: #7a4b00; }}
.entity-body {{ display: grid; grid-template-columns: minmax(0, 1fr) 390px; gap: 1rem; margin-top: .6rem; }}
.graph-column {{ background: #fff; border: 1px solid #d1d5db; border-radius: 4px; }}
.side {{ display: flex; flex-direction: column; gap: .8rem; min-width: 0; }}
.details, .legend {{ background: #fff; border: 1px solid #d1d5db; border-radius: 4px; padding: .7rem .9rem; }}
.details-list {{ margin: 0; display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem .8rem; }}
.details-list dt {{ font-weight: 600; color: #374151; }}
.details-list dd {{ margin: 0; overflow-wrap: anywhere; }}
.details-list ul {{ margin: 0; padding-left: 1rem; }}
.legend h3 {{ margin: 0 0 .3rem; font-size: 1rem; }}
.legend h4 {{ margin: .5rem 0 .2rem; font-size: .85rem; color: #374151; }}
.legend-list {{ list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: 1fr 1fr;
       gap: .15rem .6rem; font-size: .85rem; }}
.legend-item {{ display: flex; align-items: center; gap: .45rem; }}
.legend-item::before {{ content: ""; flex: none; width: var(--sw-width, 16px); height: var(--sw-height, 16px);
       box-sizing: var(--sw-box-sizing, content-box);
       background: var(--sw-background, var(--sw-background-color, transparent));
       border: var(--sw-border, none); border-top: var(--sw-border-top, var(--sw-border, none));
       border-radius: var(--sw-border-radius, 0); clip-path: var(--sw-clip-path, none);
       box-shadow: var(--sw-box-shadow, none); outline: var(--sw-outline, none);
       outline-offset: var(--sw-outline-offset, 0); }}
.legend-description {{ color: #6b7280; font-size: .78rem; }}
.legend-absent {{ opacity: .4; }}
@media (max-width: 900px) {{ .entity-body {{ grid-template-columns: 1fr; }} }}
"""

INDEX_STRING = (
    """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
        <style>"""
    + CSS
    + """</style>
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""
)
