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
