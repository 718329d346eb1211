/* The entity page's clientside callbacks (dashboard/entity/callbacks.py wires them with
   ClientsideFunction('entity', <name>)): what only the browser can do. Numbers the server decides (the size of a
   big view, the timeline's config and height) arrive in the page's 'graph-config' store. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.entity = {
    /* Binds the browser-only events once per graph: double-click → expand, a click on "N more" → its next
       page, positions after a layout or a drag → the page's positions store (so pinned nodes and newcomers
       find their place). */
    bindEvents: function(elements, config) {
        var nu = window.dash_clientside.no_update;
        var el = document.getElementById('graph');
        var cy = el && el._cyreg && el._cyreg.cy;
        var setProps = window.dash_clientside.set_props;
        if (!cy || !setProps) { return nu; }
        // big views: while panning or zooming, draw a cached picture and no edges (cytoscape's own init
        // options, which dash-cytoscape does not expose; set on the renderer whenever the elements change)
        var big = !!config && cy.nodes().length > config.bigView;
        var renderer = cy.renderer && cy.renderer();
        if (renderer) { renderer.hideEdgesOnViewport = big; renderer.textureOnViewport = big; }
        if (cy.scratch('_sgBound')) { return nu; }
        cy.scratch('_sgBound', true);
        var timer = null;
        var push = function() {
            clearTimeout(timer);
            timer = setTimeout(function() {
                var out = {};
                cy.nodes().forEach(function(n) {
                    var p = n.position();
                    out[n.id()] = [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10];
                });
                setProps('graph-positions', {data: out});
            }, 120);
        };
        cy.on('layoutstop dragfree', push);
        cy.on('dbltap', 'node', function(evt) {
            var id = evt.target.id();
            if (id.indexOf('more:') === 0) { return; }
            setProps('graph-dbltap', {data: {id: id, t: Date.now()}});
        });
        cy.on('tap', 'node.more', function(evt) {
            setProps('more-request', {data: {id: evt.target.data('parent_id'), t: Date.now()}});
        });
        // the first positions (they also mount the timeline) once the graph is painted and the browser idle
        var idle = window.requestIdleCallback || function(f) { return setTimeout(f, 50); };
        requestAnimationFrame(function() { requestAnimationFrame(function() { idle(push, {timeout: 1000}); }); });
        return nu;
    },

    /* Writes the view's query string into the address bar without reloading the page (so it can be copied). */
    syncUrl: function(query) {
        if (typeof query === 'string' && window.location.search !== query) {
            window.history.replaceState(
                window.history.state, '', window.location.pathname + query + window.location.hash);
        }
        return window.dash_clientside.no_update;
    },

    /* Mounts the timeline once the graph has been drawn and its positions reported (plotly is a big script:
       loading it first would hold the graph back by seconds on a first visit). */
    openTimeline: function(positions, figure, config) {
        if (document.getElementById('timeline')) { return window.dash_clientside.no_update; }
        var height = (config && config.timelineHeight) || 190;
        return {type: 'Graph', namespace: 'dash_core_components', props: {
            id: 'timeline', figure: figure || {}, config: (config && config.timelineConfig) || {},
            style: {height: height + 'px'}}};
    },

    /* Passes a new timeline figure on to the mounted timeline. */
    timelineFigure: function(figure) {
        return figure || window.dash_clientside.no_update;
    },

    /* Asks the server for shared infrastructure only while the toggle is on. */
    sharedGate: function(state, view) {
        if (!state || !view || !view.shared) { return window.dash_clientside.no_update; }
        return Date.now();
    },

    /* Asks the server for the risk sentences when the view colours by exposure or shows shared
       infrastructure, or when a sentence shown must go. */
    riskGate: function(state, view, shared, note) {
        var wanted = view && (view.colour === 'exposure' || view.shared);
        var shown = Array.isArray(note) ? note.length > 0 : !!note;
        if (!state || (!wanted && !shown)) { return window.dash_clientside.no_update; }
        return Date.now();
    },

    /* The toolbar's "Selected: …" line. */
    selected: function(data) {
        if (!data || !data.id) { return 'No node selected: click one.'; }
        return 'Selected: ' + (data.name || data.id);
    }
};
