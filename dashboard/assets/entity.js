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
        window._sgConfig = config || {};
        var big = !!config && cy.nodes().length > config.bigView;
        var renderer = cy.renderer && cy.renderer();
        if (renderer) { renderer.hideEdgesOnViewport = big; renderer.textureOnViewport = big; }
        // a plain property, not cy.scratch(): setting the core's scratch makes cytoscape restyle every element
        // (its setter calls updateStyle), a second style pass and frame of a 2,000-node view
        if (cy._sgBound) { return nu; }
        cy._sgBound = true;
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
        cy.on('tap', 'node.group', function(evt) {
            setProps('group-request', {data: {id: evt.target.id(), t: Date.now()}});
        });
        // readable at every zoom: labels sized for the screen, marks (the page's entity, sanctioned, blocked)
        // kept visible however far out the view is zoomed
        var sg = window.dash_clientside.entity;
        // small views: every frame; big ones once the zoom settles (a style change would redraw every frame).
        // After zooming only, nothing is restyled when the zoom is back where the styles were sized for: the same
        // values set again still invalidate cytoscape's cached layers, and the next frames draw every element.
        var pending = false, settle = null, changed = false;
        var apply = function() {
            if (changed || cy.zoom() !== cy._sgStyledZoom) { sg.fitStyles(cy, config); }
            changed = false;
        };
        var rescale = function(evt) {
            changed = changed || !evt || evt.type !== 'zoom';
            if (cy.nodes().length > ((config && config.labelScaleMax) || 400)) {
                clearTimeout(settle);
                settle = setTimeout(apply, 150);
                return;
            }
            if (pending) { return; }
            pending = true;
            requestAnimationFrame(function() { pending = false; apply(); });
        };
        cy.on('zoom', rescale);
        cy.on('add remove layoutstop', rescale);
        cy.on('layoutstop', function() { sg.sizeGraph(cy); });
        cy.on('mouseover', 'node', function(evt) { evt.target.addClass('hover'); sg.labelFor(cy, evt.target, config); });
        cy.on('mouseout', 'node', function(evt) { evt.target.removeClass('hover'); sg.labelFor(cy, evt.target, config); });
        cy.on('select unselect', 'node', function(evt) { sg.labelFor(cy, evt.target, config); });
        sg.bindViewport();
        // server positions arrive without a layout run (the page mounts the graph with none: the elements carry
        // their positions), so the first view is fitted, and its marks sized: by prepare when the graph mounted,
        // else here (and again here when the page around the graph has moved it since)
        var resized = sg.sizeGraph(cy);
        sg.settleLayers(cy);
        if (!cy._sgPrepared) {
            if (!resized && (el.className || '').indexOf('layout-preset') >= 0) { sg.fitView(cy); }
            if (cy.nodes().length > ((config && config.labelScaleMax) || 400)) { sg.fitStyles(cy, config); }
            else { rescale(); }  // small views: once, before the next frame (with the fit's own zoom event)
        }
        // one window listener for the page's current graph (a listener per mounted graph kept old ones alive)
        window._sgResizeCy = cy;
        if (!window._sgResizeBound) {
            window._sgResizeBound = true;
            window.addEventListener('resize', function() {
                var current = window._sgResizeCy;
                if (current && !current.destroyed()) { sg.sizeGraph(current); }
            });
        }
        // the first positions (they also mount the timeline) once the graph is painted and the browser idle
        var idle = window.requestIdleCallback || function(f) { return setTimeout(f, 50); };
        requestAnimationFrame(function() { requestAnimationFrame(function() { idle(push, {timeout: 1000}); }); });
        return nu;
    },

    /* A new cytoscape of the entity page, right after it mounted and before its first frame: sized to the
       window, fitted and its labels and marks sized for the screen, so its first frame is the fitted view (the
       clientside callback bindEvents comes after that frame: fitting there drew a big view twice). */
    prepare: function(cy) {
        var el = cy.container();
        if (!el || el.id !== 'graph' || cy._sgPrepared || !el.closest || !el.closest('.page-entity')) { return; }
        cy._sgPrepared = true;
        var sg = window.dash_clientside.entity, config = window._sgConfig || {};
        sg.lighterStyleBookkeeping(cy);
        sg.lighterEvents(cy);  // (installed before its elements were added, unless the page's hook was missed)
        sg.steadyBackgrounding(cy);
        var big = cy.nodes().length > (config.bigView || 400);
        var renderer = cy.renderer && cy.renderer();
        if (renderer) { renderer.hideEdgesOnViewport = big; renderer.textureOnViewport = big; }
        if (!sg.sizeGraph(cy) && (el.className || '').indexOf('layout-preset') >= 0) { sg.fitView(cy); }
        sg.fitStyles(cy, config);
        sg.settleLayers(cy);
        sg.drawFirstFrameDirectly(cy);
    },

    /* Cytoscape's bookkeeping while it styles elements, made cheaper without changing what it computes. For each
       style property it applies to an element (about 20 per node) it (1) clears the style caches of the element and
       of its connected edges, building a collection of those edges each time, and (2) when the property changes
       the element's size, sends a 'bounds' event and a redraw request for that element, although the renderer only
       has to hear once that the element must be measured again before the next frame. Here (1) clears the same
       caches without building collections (graphs without compound nodes; otherwise cytoscape's own), and (2)
       tells the renderer about an element once until the renderer has measured its pending elements (its
       'eleCalcs' step before a frame, or its flush): 7,225 elements sent ~35,000 events on a 2,000-node view's
       first styling. Cytoscape's internals as dash-cytoscape 1.0.2 bundles them; where they differ, nothing is
       changed. The collection methods are shared by every graph; the once-only telling is per graph. */
    lighterStyleBookkeeping: function(cy) {
        var proto = cy.collection && Object.getPrototypeOf(cy.collection());
        if (proto && !proto._sgLighter && typeof proto.dirtyStyleCache === 'function'
            && typeof proto.dirtyBoundingBoxCache === 'function') {
            proto._sgLighter = true;
            var dirtyStyle = proto.dirtyStyleCache, dirtyBounds = proto.dirtyBoundingBoxCache;
            proto.dirtyStyleCache = function() {
                var core = this.cy();
                if (!core || core.hasCompoundNodes()) { return dirtyStyle.apply(this, arguments); }
                for (var i = 0; i < this.length; i++) {
                    var own = this[i]._private, edges = own.group === 'nodes' ? own.edges : null;
                    own.styleCache = null;
                    if (edges) { for (var j = 0; j < edges.length; j++) { edges[j]._private.styleCache = null; } }
                }
                return this;
            };
            proto.dirtyBoundingBoxCache = function() {
                var core = this.length === 1 ? this.cy() : null;
                var own = core && this[0]._private;
                if (!own || core._sgMeasured === undefined || own._sgTold !== core._sgMeasured) {
                    if (own && core._sgMeasured !== undefined) { own._sgTold = core._sgMeasured; }
                    return dirtyBounds.apply(this, arguments);
                }
                // the renderer already has this element among those to measure before the next frame
                own.bbCache = null; own.bbCachePosKey = null; own.bodyBounds = null; own.overlayBounds = null;
                var lb = own.labelBounds, ab = own.arrowBounds;
                lb.all = lb.source = lb.target = lb.main = lb.sourceRot = lb.targetRot = lb.mainRot = null;
                ab.source = ab.target = ab['mid-source'] = ab['mid-target'] = null;
                return this;
            };
        }
        // per graph: a new round of telling each time the renderer has measured what it was told
        var renderer = cy.renderer && cy.renderer();
        var steps = renderer && renderer.beforeRenderCallbacks;
        var calcs = renderer && renderer.beforeRenderPriorities && renderer.beforeRenderPriorities.eleCalcs;
        var flush = renderer && renderer.flushRenderedStyleQueue;
        var step = null;
        (steps || []).forEach(function(s) { if (s.priority === calcs) { step = step === null ? s : false; } });
        if (!step || typeof flush !== 'function' || cy._sgMeasured !== undefined || !proto._sgLighter) { return; }
        var measure = step.fn;
        step.fn = function(willDraw) {
            try { return measure.apply(this, arguments); } finally { if (willDraw) { cy._sgMeasured++; } }
        };
        renderer.flushRenderedStyleQueue = function() {
            try { return flush.apply(this, arguments); } finally { cy._sgMeasured++; }
        };
        cy._sgMeasured = 0;
    },

    /* An event sent to a whole collection (the 'bounds' and 'add' of every element added, the 'style' of every
       element restyled) made cytoscape build one event per element, parse its name, look through the element's
       own listeners (none) and then through every listener of the graph: ~7,000 events, 4 times over, while a
       2,000-node view mounts. Its renderer is the only one listening to those events then, and what it does with
       one (queue the element to be measured and drawn) it does as well with the whole collection. So, when no
       element of the collection has listeners of its own and the graph's listeners for those event names are
       none or only the renderer's (registered through its binder, so known by where they came from), each of the
       renderer's listeners is called once with the collection as the event's target, and an event nobody listens
       to is not built at all. Anything else (listeners of an element, of an extension or of this page for that
       event, compound graphs, extra arguments) goes through cytoscape's own emit, unchanged. Shared by every
       graph; cytoscape's internals as dash-cytoscape 1.0.2 bundles them (nothing is changed where they differ). */
    lighterEvents: function(cy) {
        var proto = cy.collection && Object.getPrototypeOf(cy.collection());
        var renderer = cy.renderer && cy.renderer();
        if (!proto || proto._sgLighterEvents || typeof proto.emit !== 'function' || typeof cy.emitter !== 'function'
            || !renderer || !Array.isArray(renderer.bindings)) { return; }
        proto._sgLighterEvents = true;
        var emit = proto.emit, name = /^([^.]+)(\.(?:[^.]+))?$/;
        var queued = function(core) {  // the renderer's callbacks that queue elements, per graph
            if (core._sgQueued) { return core._sgQueued; }
            var own = core.renderer && core.renderer(), found = [];
            ((own && own.bindings) || []).forEach(function(b) {
                var args = b.args || [];
                if (b.target === core && (args[0] === 'bounds.* dirty.*' || args[0] === 'style.* background.*')
                    && typeof args[1] === 'function') { found.push(args[1]); }
            });
            return (core._sgQueued = found);
        };
        var plan = function(eles, events) {  // [[callback, event]…] or null: cytoscape's own emit
            var core = eles.cy();
            if (!core || core.destroyed() || core.hasCompoundNodes()) { return null; }
            for (var i = 0; i < eles.length; i++) {
                var em = eles[i]._private.emitter;
                if (!em || em.listeners.length) { return null; }
            }
            var listeners = core.emitter().listeners, safe = queued(core), calls = [], names = events.split(/\s+/);
            for (var n = 0; n < names.length; n++) {
                if (!names[n]) { continue; }
                var parts = names[n].match(name);
                if (!parts) { return null; }
                var type = parts[1], space = parts[2] || null;
                for (var k = 0; k < listeners.length; k++) {
                    var l = listeners[k];
                    if (l.type !== type || (l.namespace && l.namespace !== space && l.namespace !== '.*')) { continue; }
                    if (l.qualifier || l.conf || safe.indexOf(l.callback) < 0) { return null; }
                    calls.push([l.callback, {type: type, namespace: space, target: eles, cy: core}]);
                }
            }
            return calls;
        };
        proto.emit = function(events, extra) {
            var calls = this.length > 1 && typeof events === 'string' && extra === undefined ? plan(this, events) : null;
            if (!calls) { return emit.apply(this, arguments); }
            var core = this.cy();
            for (var i = 0; i < calls.length; i++) { calls[i][0].call(core, calls[i][1]); }
            return this;
        };
    },

    /* Cytoscape 3.28 restyles a node without a background image twice every time it draws it: its drawNode works
       out whether the node is 'backgrounding' (an image still loading) once before and once after the body, and
       with the default image list (['none'], containment 'inside') the two passes disagree, so the flag flips
       true / false and each flip restyles the node (every rule matched again, a 'style' event, the node measured
       and its cached pictures invalidated in the next frame). A node with no image never waits for one: here it is
       drawn with its flag kept false, without those restyles (in-page, 1,933 nodes drawn: 191 -> 13 ms at the
       minimum). Nodes with an image go through cytoscape's own drawNode unchanged. (Renderer internals, as bundled
       by dash-cytoscape 1.0.2; nothing is changed where they differ.) */
    steadyBackgrounding: function(cy) {
        var renderer = cy.renderer && cy.renderer();
        var proto = cy.collection && Object.getPrototypeOf(cy.collection());
        if (!renderer || !proto || renderer._sgSteady || typeof renderer.drawNode !== 'function'
            || typeof proto.updateStyle !== 'function' || typeof proto.pstyle !== 'function') { return; }
        renderer._sgSteady = true;
        if (!proto._sgUpdateStyle) {  // cytoscape's own, kept
            var updateStyle = proto._sgUpdateStyle = proto.updateStyle;
            proto.updateStyle = function(notify) {  // the flip of the node being drawn: not a change
                var drawing = proto._sgDrawing;
                if (drawing && notify === false && this.length === 1 && this[0] === drawing) { return this; }
                return updateStyle.apply(this, arguments);
            };
        }
        var imageless = function(node) {
            var images = node.pstyle('background-image');
            images = images && images.value;
            if (!Array.isArray(images)) { return false; }
            for (var i = 0; i < images.length; i++) { if (images[i] != null && images[i] !== 'none') { return false; } }
            return true;
        };
        var drawNode = renderer.drawNode;
        renderer.drawNode = function(context, node) {
            var own = node && node._private;
            if (!own || proto._sgDrawing || node.length !== 1 || !imageless(node)) { return drawNode.apply(this, arguments); }
            var before = own.backgrounding;
            proto._sgDrawing = node;
            try { return drawNode.apply(this, arguments); } finally {
                proto._sgDrawing = null;
                own.backgrounding = false;
                if (before) { proto._sgUpdateStyle.call(node, false); }  // (drawn before: its flag was left true)
            }
        };
    },

    /* The first frame draws each element straight onto the canvas. Cytoscape's own first frame first draws every
       node and label into a cached picture and those into layers (what makes later frames cheap), two to three
       times the work of drawing them once; the cache is built at rest right after (settleLayers), before the
       analyst moves anything. Labels are drawn where the cached drawing draws them. (Renderer internals, as in
       settleLayers.) */
    drawFirstFrameDirectly: function(cy) {
        var renderer = cy.renderer && cy.renderer();
        if (!renderer || typeof renderer.drawLayeredElements !== 'function' || typeof renderer.drawElements !== 'function'
            || !renderer._sgSettle) { return; }
        var layered = renderer.drawLayeredElements, armed = false;
        // each label only where cytoscape's cached drawing shows it (at least its min-zoomed-font-size on screen):
        // its plain drawElements draws every label whatever its size, 1,933 invisible ones on a fitted big view
        var labelled = typeof renderer.drawElement === 'function' && typeof renderer.eleTextBiggerThanMin === 'function';
        var draw = function(context, eles) {
            if (!labelled) { renderer.drawElements(context, eles); return; }
            for (var i = 0; i < eles.length; i++) {
                renderer.drawElement(context, eles[i], undefined, renderer.eleTextBiggerThanMin(eles[i]), true, true);
            }
        };
        renderer.drawLayeredElements = function(context, eles) {
            draw(context, eles);  // (also any frame before the cache is built: a full build)
            if (!armed) {
                armed = true;
                setTimeout(function() { renderer.drawLayeredElements = layered; }, 990);
                renderer._sgSettle(1000);  // a second after the view appeared: no one has moved it yet
            }
        };
    },

    /* Cytoscape draws a view at rest from layers of cached element pictures. After a change to some elements (a
       hovered label, a style, its own refined pictures) it stops using their layer for 250 ms and rebuilds it only
       while it draws frames: a graph left idle kept the stale layer, and the next pan or zoom drew every element
       again (50-100 ms a frame at 2,000 nodes) until it was rebuilt. One frame once the changes have settled lets
       it rebuild while the analyst is not moving anything. (Cytoscape's renderer internals, as bundled by
       dash-cytoscape 1.0.2; nothing is done where they differ.) */
    settleLayers: function(cy) {
        var renderer = cy.renderer && cy.renderer();
        var cache = renderer && renderer.data && renderer.data.lyrTxrCache;
        if (!cache || typeof cache.invalidateElements !== 'function' || cache._sgSettle) { return; }
        cache._sgSettle = true;
        var invalidate = cache.invalidateElements, timer = null;
        var settle = renderer._sgSettle = function(delay) {
            clearTimeout(timer);
            timer = setTimeout(function() {
                if (cy.destroyed()) { return; }
                cache.firstGet = true;  // the next frame at rest rebuilds the layers at once, as the first did
                cy.forceRender();
            }, delay || 300);
        };
        cache.invalidateElements = function(eles) {
            if (eles && eles.length && !cache.firstGet) { settle(); }  // (before the first frame: it builds them)
            return invalidate.apply(this, arguments);
        };
    },

    /* On-screen sizes whatever the zoom: every label LABEL_PX on screen in views up to labelScaleMax nodes
       (bigger ones hide labels below MIN_LABEL_PX, the stylesheet's min-zoomed-font-size), and the marks (the
       page's entity, sanctioned and blocked nodes) at least a visible size with borders in screen pixels. Style
       bypasses on a few nodes (all nodes only in small views), so a zoom step stays cheap at 2,000 nodes. */
    fitStyles: function(cy, config) {
        var z = cy.zoom(), px = (config && config.labelPx) || 12;
        var small = cy.nodes().length <= ((config && config.labelScaleMax) || 400);
        cy.batch(function() {
            if (small) {  // one bypass per collection: cytoscape parses and announces it once, not per node
                var size = Math.max(px, px / z);
                cy.nodes().not('.center').style('font-size', size + 'px');
                cy.nodes('.center').style('font-size', 1.2 * size + 'px');
            }
            cy.nodes('.center, .sanctioned, .blocked, .possibly-blocked, .group-sanctioned').forEach(function(n) {
                var border = n.hasClass('center') && !n.hasClass('sanctioned') ? 2 : 4;
                n.style('border-width', Math.max(border, border / z * 1.5) + 'px');
                var base = n.hasClass('center') ? 56 : 34;
                var side = Math.max(base, (n.hasClass('center') ? 22 : 12) / z);
                n.style({'width': side, 'height': side});
                if (n.hasClass('center')) { n.style('underlay-padding', Math.max(12, 8 / z)); }
            });
        });
        cy.nodes('.hover, :selected').forEach(function(n) {
            window.dash_clientside.entity.labelFor(cy, n, config);
        });
        cy._sgStyledZoom = z;
    },

    /* The node under the pointer or selected shows its label at a readable size on screen (any view size). */
    labelFor: function(cy, node, config) {
        var px = (config && config.labelPx) || 12;
        var small = cy.nodes().length <= ((config && config.labelScaleMax) || 400);
        if (node.hasClass('hover') || node.selected()) {
            node.style('font-size', Math.max(px, (px + 1) / cy.zoom()) + 'px');
        } else if (!small) {
            node.removeStyle('font-size');
        } else {
            node.style('font-size', Math.max(px, px / cy.zoom()) + 'px');
        }
    },

    /* The graph as tall as the window leaves below the controls (at least 280 px), so it is above the fold;
       true when it changed the size (and fitted the view again). */
    sizeGraph: function(cy) {
        var el = document.getElementById('graph');
        if (!el) { return false; }
        var top = el.getBoundingClientRect().top + window.scrollY;
        var height = Math.max(280, window.innerHeight - top - 10);
        if (Math.abs(el.offsetHeight - height) > 2) {
            el.style.height = height + 'px';
            cy.resize();
            window.dash_clientside.entity.fitView(cy);
            return true;
        }
        return false;
    },

    /* The whole view on the canvas (40 px margin). A big view is fitted from its nodes' boxes alone: its labels
       are hidden at that zoom and its edges lie between its nodes, and measuring every label and edge (what
       cy.fit does) was a large part of a 2,000-node view's first frame. */
    fitView: function(cy) {
        var config = window._sgConfig || {};
        if (cy.nodes().length <= (config.bigView || 400)) { cy.fit(undefined, 40); return; }
        var bb = cy.nodes().boundingBox({includeLabels: false, includeOverlays: false, includeUnderlays: false});
        var w = cy.width() - 80, h = cy.height() - 80;
        if (!(bb.w > 0 || bb.h > 0) || w <= 0 || h <= 0) { cy.fit(undefined, 40); return; }
        var zoom = Math.min(bb.w > 0 ? w / bb.w : Infinity, bb.h > 0 ? h / bb.h : Infinity);
        zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), zoom));
        cy.viewport({zoom: zoom, pan: {x: (cy.width() - zoom * (bb.x1 + bb.x2)) / 2,
                                       y: (cy.height() - zoom * (bb.y1 + bb.y2)) / 2}});
    },

    /* Fit, zoom in, zoom out and centre: buttons under the graph's toolbar (bound once per page load). */
    bindViewport: function() {
        if (window._sgViewportBound) { return; }
        window._sgViewportBound = true;
        // Back/Forward between the entries syncUrl pushed: the page is drawn again from the URL (Dash pages'
        // location does not follow history entries it did not make)
        window.addEventListener('popstate', function() {
            if (window.location.pathname.indexOf('/entity/') !== 0 || !window.dash_clientside.set_props) { return; }
            window.dash_clientside.set_props('_pages_location',
                {pathname: window.location.pathname, search: window.location.search});
        });
        document.addEventListener('click', function(evt) {
            var button = evt.target && evt.target.closest && evt.target.closest(
                '#view-fit, #view-zoom-in, #view-zoom-out, #view-centre');
            var el = document.getElementById('graph');
            var cy = el && el._cyreg && el._cyreg.cy;
            if (!button || !cy) { return; }
            var box = {x: cy.width() / 2, y: cy.height() / 2};
            if (button.id === 'view-fit') { window.dash_clientside.entity.fitView(cy); }
            else if (button.id === 'view-zoom-in') { cy.zoom({level: cy.zoom() * 1.5, renderedPosition: box}); }
            else if (button.id === 'view-zoom-out') { cy.zoom({level: cy.zoom() / 1.5, renderedPosition: box}); }
            else {  // the node itself in the middle (cy.center would centre its box, label included)
                var p = cy.nodes('.center').position();
                if (p) { cy.pan({x: cy.width() / 2 - p.x * cy.zoom(), y: cy.height() / 2 - p.y * cy.zoom()}); }
            }
        });
    },

    /* Writes the view (and the working graph's expansions page by page, the first load's page size when the
       analyst changed it since, opened groups, hidden, removed and pinned entities: the tokens the server put in
       the working graph, dashboard/entity/working_graph.py) into the address bar without reloading the page, as a
       new history entry: Back and Forward walk hops, filters, expansions, pages, hiding, removing and pins (the
       page is drawn again from the URL), and a reload brings them back. */
    syncUrl: function(query, state, config) {
        if (typeof query !== 'string') { return window.dash_clientside.no_update; }
        var enc = function(ids) { return ids.map(function(i) { return encodeURIComponent(i).replace(/%2C/g, ',').replace(/%3A/g, ':'); }).join(','); };
        var full = query;
        var steps = state && (state.steps || state.expanded);
        var page = /[?&]page=(\d+)/.exec(query);
        page = page ? +page[1] : ((config && config.defaultPage) || 25);
        if (state && state.cap && state.cap !== page) { full += '&cap=' + state.cap; }
        if (steps && steps.length) { full += '&exp=' + enc(steps); }
        if (state && state.opened && state.opened.length) { full += '&open=' + enc(state.opened.slice().sort()); }
        if (state && state.hidden && state.hidden.length) { full += '&hidden=' + enc(state.hidden); }
        if (state && state.removed && state.removed.length) { full += '&removed=' + enc(state.removed); }
        if (state && state.pins && state.pins.length) { full += '&pin=' + enc(state.pins); }
        if (window.location.search !== full) {
            window.history.pushState(null, '', window.location.pathname + full + window.location.hash);
        }
        return window.dash_clientside.no_update;
    },

    /* Keeps the working graphs before the current one (undo) and after it (redo), per page, in the browser. */
    recordState: function(state, config) {
        var h = window._sgHistory;
        var center = state && state.center;
        if (!h || h.center !== center) { h = window._sgHistory = {center: center, past: [], future: [], now: null}; }
        if (h.restoring) { h.restoring = false; }
        else if (state && h.now && JSON.stringify(h.now) !== JSON.stringify(state)) {
            h.past.push(h.now);
            if (h.past.length > ((config && config.undoDepth) || 30)) { h.past.shift(); }
            h.future = [];
        }
        h.now = state;
        return [h.past.length === 0, h.future.length === 0];
    },

    /* Undo / Redo: the working graph before or after the current one. */
    undoRedo: function(undo, redo) {
        var h = window._sgHistory, nu = window.dash_clientside.no_update;
        var ctx = window.dash_clientside.callback_context;
        var which = ctx && ctx.triggered && ctx.triggered.length ? ctx.triggered[0].prop_id : '';
        if (!h) { return nu; }
        if (which.indexOf('undo') === 0 && h.past.length) {
            h.future.push(h.now); h.now = h.past.pop();
        } else if (which.indexOf('redo') === 0 && h.future.length) {
            h.past.push(h.now); h.now = h.future.pop();
        } else { return nu; }
        h.restoring = true;
        return h.now;
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

/* dash-cytoscape hands each cytoscape it creates to window.cy (Cytoscape.react.js, handleCy) in the task that
   mounts it; the entity page's graph is prepared once that task is done (a microtask: after dash-cytoscape's own
   componentDidMount, whose context menu marks every element's style dirty) and before the browser draws a frame. */
(function prepareNewGraphs() {
    var current = window.cy;
    Object.defineProperty(window, 'cy', {
        configurable: true,
        get: function() { return current; },
        set: function(cy) {
            current = cy;
            if (!cy || typeof cy.container !== 'function') { return; }
            Promise.resolve().then(function() {
                var sg = window.dash_clientside && window.dash_clientside.entity;
                if (sg && !cy.destroyed()) { sg.prepare(cy); }
            });
        }
    });
})();

/* lighterEvents before the first graph of the page gets its elements: cytoscape keeps each graph in its container's
   '_cyreg' (the core's constructor sets it, then its 'cy'), and the elements are added right after the constructor,
   in the same task, so the core's first add installs it (the prototype is shared: later graphs have it already).
   The hook is taken away once used. */
(function lighterEventsFromTheFirstGraph() {
    var host = window.HTMLElement && window.HTMLElement.prototype;
    if (!host || Object.prototype.hasOwnProperty.call(host, '_cyreg')) { return; }
    var done = function() { delete host._cyreg; };
    Object.defineProperty(host, '_cyreg', {
        configurable: true,
        get: function() { return undefined; },
        set: function(reg) {
            Object.defineProperty(this, '_cyreg', {value: reg, writable: true, configurable: true, enumerable: true});
            if (!reg || typeof reg !== 'object' || Object.prototype.hasOwnProperty.call(reg, 'cy')) { return; }
            var value;
            Object.defineProperty(reg, 'cy', {
                configurable: true,
                enumerable: true,
                get: function() { return value; },
                set: function(core) {
                    Object.defineProperty(reg, 'cy', {value: core, writable: true, configurable: true, enumerable: true});
                    var coreProto = core && Object.getPrototypeOf(core), add = coreProto && coreProto.add;
                    if (typeof add !== 'function') { return; }
                    done();
                    coreProto.add = function() {
                        coreProto.add = add;
                        var sg = window.dash_clientside && window.dash_clientside.entity;
                        try { if (sg && sg.lighterEvents) { sg.lighterEvents(this); } } catch (e) { /* cytoscape's own */ }
                        return add.apply(this, arguments);
                    };
                }
            });
        }
    });
})();

/* The lazily loaded parts of Dash's core components that the entity page's controls use (the "Expand brings"
   dropdown, the filters' date range), fetched and run while the browser waits or idles, on whichever page of the
   app it is: the entity page then renders them at once instead of fetching and compiling them while it draws its
   graph. Webpack takes a chunk pushed before it was asked for as loaded (and finds the script by its address). */
(function preloadControls() {
    var chunks = ['async-dropdown.js', 'async-datepicker.js'];
    var load = function() {
        var dcc = document.querySelector('script[src*="/dash/dcc/dash_core_components."]');
        if (!dcc) { return; }
        chunks.forEach(function(name) {
            var url = new URL(name, dcc.src).href;
            if (document.querySelector('script[src="' + url + '"]')) { return; }
            var script = document.createElement('script');
            script.src = url;
            script.async = true;
            document.head.appendChild(script);
        });
    };
    var idle = window.requestIdleCallback || function(f) { return setTimeout(f, 200); };
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', function() { idle(load, {timeout: 500}); });
    } else {
        idle(load, {timeout: 500});
    }
})();
