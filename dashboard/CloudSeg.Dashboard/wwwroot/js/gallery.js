// Tells the gallery how wide its grid is, so the number of tile columns follows the window (phone: 1–2, desktop: 5+).
// Blazor's Virtualize needs whole rows of a known height, so the column count is decided on the server from this width.

const observers = new Map();

export function observeWidth(element, dotnet) {
    let last = -1;
    const report = () => {
        const width = Math.floor(element.clientWidth);
        if (width === last || width === 0) return;
        last = width;
        dotnet.invokeMethodAsync('OnGridWidth', width);
    };
    const observer = new ResizeObserver(report);
    observer.observe(element);
    observers.set(element, observer);
    report();
}

export function dispose(element) {
    observers.get(element)?.disconnect();
    observers.delete(element);
}

// The place in the gallery is the first tile in view, by name (at=): a name still points at the same picture after
// rows above it were added or deleted, or the window was resized. It is written into the address with replaceState,
// synchronously here: no new history entry per scroll, and no round trip through the server that could land after a
// click has already moved on to a detail page. The page (not the grid) scrolls, under the fixed app bar.
const places = new Map();

function appBarBottom() {
    return Math.max(0, document.querySelector('.mud-appbar')?.getBoundingClientRect().bottom ?? 0);
}

function tiles(element) {
    return element.querySelectorAll('[data-testid=gallery-tile]');
}

/** The first tile at least half visible below the app bar, or null at the very top of the page. */
function firstInView(element) {
    const top = appBarBottom();
    for (const tile of tiles(element)) {
        const r = tile.getBoundingClientRect();
        if (r.bottom - r.height / 2 >= top) return tile;
    }
    return null;
}

/**
 * Follows the place as the user scrolls. With a place to return to ({ name, index }: the tile and its position in the
 * loaded rows), first brings that tile to the top: its line is scrolled to so Virtualize renders it, then the tile
 * itself is aligned, and kept aligned through late layout changes (Virtualize's spacers, thumbnails, filter hints, a
 * reset after navigation) until the user scrolls, clicks or types.
 */
export function followPlace(element, dotnet, place) {
    stopPlace(element);
    const path = location.pathname;
    const state = { cleanup: [] };
    places.set(element, state);
    const on = (target, type, handler, options) => {
        target.addEventListener(type, handler, options);
        state.cleanup.push(() => target.removeEventListener(type, handler, options));
    };

    let last = new URL(location.href).searchParams.get('at');
    const report = () => {
        // A click may have moved on to another page (pushState) since this scroll: never rewrite that entry.
        if (!element.isConnected || location.pathname !== path) return;
        const tile = window.scrollY < 1 ? null : firstInView(element);
        const name = tile?.dataset.name ?? null;
        if (name === last || (tile === null && window.scrollY >= 1)) return;
        last = name;
        const url = new URL(location.href);
        if (name) url.searchParams.set('at', name); else url.searchParams.delete('at');
        // Blazor keeps its own entry state in history.state: keep it, change only the address.
        history.replaceState(history.state, '', url);
        dotnet.invokeMethodAsync('OnPlace', url.href);
    };
    let pending = false;
    const onScroll = () => {
        if (pending || state.restoring) return;
        pending = true;
        requestAnimationFrame(() => { pending = false; report(); });
    };
    on(window, 'scroll', onScroll, { passive: true });

    if (!place) return;
    state.restoring = true;
    const selector = `[data-testid=gallery-tile][data-name="${CSS.escape(place.name)}"]`;
    const align = () => {
        if (!state.restoring) return;
        const tile = element.querySelector(selector);
        if (tile) {
            const dy = tile.getBoundingClientRect().top - appBarBottom();
            if (Math.abs(dy) >= 1) window.scrollBy(0, dy);
            return;
        }
        // Not rendered yet: scroll to where its line is, once the grid is tall enough; Virtualize renders it there.
        const columns = Number(element.dataset.columns) || 1;
        const y = element.getBoundingClientRect().top + window.scrollY + Math.floor(place.index / columns) * place.rowHeight - appBarBottom();
        if (document.documentElement.scrollHeight - window.innerHeight >= y) window.scrollTo(0, y);
    };
    const resized = new ResizeObserver(align);
    resized.observe(element);
    resized.observe(document.body);
    const mutated = new MutationObserver(align);
    mutated.observe(element, { childList: true, subtree: true });
    state.cleanup.push(() => { resized.disconnect(); mutated.disconnect(); });
    // Scrolls the page did not ask for (a reset after navigation) are undone while restoring.
    const onRestoringScroll = () => requestAnimationFrame(align);
    on(window, 'scroll', onRestoringScroll, { passive: true });
    const settle = () => {
        if (!state.restoring) return;
        state.restoring = false;
        window.removeEventListener('scroll', onRestoringScroll);
        resized.disconnect();
        mutated.disconnect();
        report();
    };
    for (const type of ['wheel', 'touchstart', 'keydown', 'pointerdown']) on(window, type, settle, { capture: true, passive: true });
    align();
}

export function stopPlace(element) {
    places.get(element)?.cleanup.forEach(undo => undo());
    places.delete(element);
}

// ←/→ on the detail page step through the gallery's order, unless the user is typing or adjusting a control.
const arrowHandlers = new Map();
let nextArrowId = 1;

/** Returns the id that stopArrows takes. */
export function listenArrows(dotnet) {
    const handler = e => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
        const t = e.target;
        if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || t.closest('.overlay-viewport'))) return;
        dotnet.invokeMethodAsync('OnArrow', e.key === 'ArrowRight' ? 1 : -1);
    };
    document.addEventListener('keydown', handler);
    const id = nextArrowId++;
    arrowHandlers.set(id, handler);
    return id;
}

export function stopArrows(id) {
    const handler = arrowHandlers.get(id);
    if (handler) document.removeEventListener('keydown', handler);
    arrowHandlers.delete(id);
}
