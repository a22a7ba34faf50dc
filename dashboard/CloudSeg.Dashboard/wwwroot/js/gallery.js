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

// The page (not the grid) scrolls. The first tile in view is kept in the address (at=), replaced in this history entry
// as the user scrolls, so Back from a detail page, a reload or a shared link returns to the same place. Written here,
// synchronously: a round trip through the server could land after a click has already moved on to the detail page.
const scrollHandlers = new Map();
const restorers = new Map();

/** Scrolls to tile restoreAt (if any) once the grid is tall enough, then follows scrolling. */
export function observeScroll(element, dotnet, rowHeight, restoreAt) {
    const columns = () => Number(element.dataset.columns) || 1;
    const start = () => {
        let last = -1, pending = false;
        const report = () => {
            pending = false;
            // The line whose top is nearest the window's top: a restored place (a line start, rounded to whole pixels) reads back the same.
            const line = Math.max(0, Math.round(-element.getBoundingClientRect().top / rowHeight));
            if (line === last) return;
            last = line;
            const url = new URL(location.href);
            const at = line * columns();
            if (at > 0) url.searchParams.set('at', at); else url.searchParams.delete('at');
            // Blazor keeps its own entry state in history.state: keep it, change only the address.
            history.replaceState(history.state, '', url);
            dotnet.invokeMethodAsync('OnScrolledTo', url.href);
        };
        // At most one report per frame while scrolling.
        const handler = () => { if (!pending) { pending = true; requestAnimationFrame(report); } };
        window.addEventListener('scroll', handler, { passive: true });
        scrollHandlers.set(element, handler);
        report(); // the user may have scrolled before the column count was known
    };
    if (!restoreAt) {
        start();
        return;
    }
    const target = () => element.getBoundingClientRect().top + window.scrollY + Math.floor(restoreAt / columns()) * rowHeight;
    const reachable = () => document.documentElement.scrollHeight - window.innerHeight >= target();
    // Virtualize sizes its spacers after the rows arrive, and the filter card above may still grow (class hints): keep
    // the remembered line at the top on every layout change until the user takes over.
    const inputs = ['wheel', 'touchstart', 'keydown', 'pointerdown'];
    let started = false;
    const follow = () => {
        if (!reachable()) return;
        window.scrollTo(0, target());
        if (!started) {
            started = true;
            start();
        }
    };
    const observer = new ResizeObserver(follow);
    const settle = () => {
        observer.disconnect();
        restorers.delete(element);
        inputs.forEach(type => window.removeEventListener(type, settle, true));
        if (!started) {
            started = true;
            start();
        }
    };
    inputs.forEach(type => window.addEventListener(type, settle, { capture: true, passive: true }));
    restorers.set(element, settle);
    observer.observe(element);
    observer.observe(document.body);
    follow();
}

export function stopScroll(element) {
    restorers.get(element)?.();
    const handler = scrollHandlers.get(element);
    if (handler) window.removeEventListener('scroll', handler);
    scrollHandlers.delete(element);
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
