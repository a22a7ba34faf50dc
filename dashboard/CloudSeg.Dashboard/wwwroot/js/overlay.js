// Draws instance masks over an image on a <canvas>, entirely in the browser.
// Masks arrive as COCO compressed RLE strings (pycocotools' LEB128-like text, column-major runs, first run = zeros),
// so the server sends a few bytes per mask instead of a picture per instance. Visibility, opacity and the hovered
// instance are decided by the Blazor component; this module only decodes and paints.

/** Decodes pycocotools' compressed counts string into run lengths (rleFrString). */
export function decodeCounts(text) {
    const counts = [];
    let p = 0;
    while (p < text.length) {
        let x = 0, k = 0, more = 1;
        while (more) {
            const c = text.charCodeAt(p) - 48;
            x |= (c & 0x1f) << (5 * k);
            more = c & 0x20;
            p++;
            k++;
            if (!more && (c & 0x10)) x |= -1 << (5 * k);
        }
        if (counts.length > 2) x += counts[counts.length - 2];
        counts.push(x);
    }
    return counts;
}

const viewers = new Map();

function hexToRgb(hex) {
    const v = parseInt(hex.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Calls visit(x, y) for every foreground pixel of a column-major RLE. */
function forEachPixel(counts, height, visit) {
    let index = 0;
    for (let r = 0; r < counts.length; r++) {
        const run = counts[r];
        if (r % 2 === 1) {
            for (let i = index; i < index + run; i++) visit(Math.floor(i / height), i % height);
        }
        index += run;
    }
}

/**
 * Registers a viewer. instances: [{ id, counts, color, label, box: [x, y, w, h] }]; width/height: the image size the
 * masks were made for.
 * dotnet (optional) receives OnCanvasHover(id | -1) so the instance list can follow the pointer.
 */
export function init(canvas, width, height, instances, dotnet) {
    // The page may have moved on (←/→, a quick click) before this call arrived: the canvas is already gone.
    if (!canvas) return;
    canvas.width = width;
    canvas.height = height;
    // Owner map: which instance each pixel belongs to (the last one painted wins), for hover hit-testing.
    const decoded = instances.map(inst => ({
        id: inst.id, color: inst.color, paint: inst.color, rgb: hexToRgb(inst.color), label: inst.label, box: inst.box, counts: decodeCounts(inst.counts),
    }));
    const viewer = { canvas, width, height, decoded, dotnet, owner: new Int32Array(width * height), hovered: -1 };
    viewers.set(canvas, viewer);
    canvas.onmousemove = e => {
        const rect = canvas.getBoundingClientRect();
        const x = Math.floor((e.clientX - rect.left) * width / rect.width);
        const y = Math.floor((e.clientY - rect.top) * height / rect.height);
        const id = (x >= 0 && y >= 0 && x < width && y < height) ? viewer.owner[y * width + x] - 1 : -1;
        if (id !== viewer.hovered) {
            viewer.hovered = id;
            if (viewer.dotnet) viewer.dotnet.invokeMethodAsync('OnCanvasHover', id);
        }
    };
    canvas.onmouseleave = () => {
        if (viewer.hovered !== -1 && viewer.dotnet) viewer.dotnet.invokeMethodAsync('OnCanvasHover', -1);
        viewer.hovered = -1;
    };
}

/**
 * Repaints: only the instances in visibleIds, at the given opacity (0..1), each in colors[id] ("#RRGGBB": by score rank
 * or by class, as the page chose). Instances arrive best score first and are painted worst first, so the best-scored mask
 * is on top where masks overlap; highlightId (the hovered one) is painted last of all, stronger and with a white outline.
 */
export function render(canvas, visibleIds, opacity, highlightId, colors) {
    const viewer = viewers.get(canvas);
    if (!viewer) return 0;
    const { width, height, owner } = viewer;
    const visible = new Set(visibleIds);
    for (const inst of viewer.decoded) {
        const color = colors && colors[inst.id] ? colors[inst.id] : inst.color;
        inst.paint = color;
        inst.rgb = hexToRgb(color);
    }
    const image = new ImageData(width, height);
    const px = image.data;
    owner.fill(0);
    let painted = 0;
    const order = viewer.decoded.filter(inst => visible.has(inst.id) && inst.id !== highlightId).reverse();
    const hovered = viewer.decoded.find(inst => inst.id === highlightId && visible.has(inst.id));
    if (hovered) order.push(hovered);
    for (const inst of order) {
        const highlighted = inst.id === highlightId;
        const alpha = Math.round(255 * Math.min(1, highlighted ? Math.max(opacity, 0.5) + 0.3 : opacity));
        const [r, g, b] = inst.rgb;
        forEachPixel(inst.counts, height, (x, y) => {
            const o = (y * width + x) * 4;
            px[o] = r; px[o + 1] = g; px[o + 2] = b; px[o + 3] = alpha;
            owner[y * width + x] = inst.id + 1;
        });
        painted++;
    }
    contours(px, owner, width, height, viewer.decoded, highlightId + 1);
    const ctx = canvas.getContext('2d');
    ctx.putImageData(image, 0, 0);
    labels(ctx, canvas, viewer.decoded.filter(inst => visible.has(inst.id)), width, highlightId);
    canvas.dataset.painted = String(painted);
    return painted;
}

/**
 * Draws every visible mask's border in its colour at full strength (white for the hovered one), so overlapping
 * masks stay apart even at low opacity.
 */
function contours(px, owner, width, height, decoded, highlightOwner) {
    const rgbOf = new Map(decoded.map(inst => [inst.id + 1, inst.rgb]));
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            const i = y * width + x;
            const o = owner[i];
            if (o === 0) continue;
            const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1
                || owner[i - 1] !== o || owner[i + 1] !== o || owner[i - width] !== o || owner[i + width] !== o;
            if (!edge) continue;
            const [r, g, b] = o === highlightOwner ? [255, 255, 255] : rgbOf.get(o);
            const p = i * 4;
            px[p] = r; px[p + 1] = g; px[p + 2] = b; px[p + 3] = 255;
        }
    }
}

/**
 * "class score" tags at each box's top-left corner, sized for the displayed (not the native) image size. Placed best
 * score first; a tag that would cover one already placed is left out (its instance is still in the list), except the
 * hovered instance's, which is always drawn, last and on top.
 */
function labels(ctx, canvas, visible, width, highlightId) {
    const scale = canvas.clientWidth > 0 ? width / canvas.clientWidth : 1;
    const fontPx = Math.max(6, Math.round(12 * scale));
    ctx.font = `600 ${fontPx}px sans-serif`;
    ctx.textBaseline = 'top';
    const placed = [];
    const tags = visible.filter(inst => inst.label && inst.box).map(inst => {
        const [x, y] = inst.box;
        const pad = Math.max(1, Math.round(2 * scale));
        const w = ctx.measureText(inst.label).width + 2 * pad;
        const h = fontPx + 2 * pad;
        return { inst, x, top: Math.max(0, y - h), w, h, pad };
    });
    const overlaps = t => placed.some(p => t.x < p.x + p.w && p.x < t.x + t.w && t.top < p.top + p.h && p.top < t.top + t.h);
    const hovered = tags.find(t => t.inst.id === highlightId);
    for (const t of tags) {
        if (t === hovered || overlaps(t)) continue;
        placed.push(t);
        drawTag(ctx, t);
    }
    if (hovered) drawTag(ctx, hovered);
}

function drawTag(ctx, { inst, x, top, w, h, pad }) {
    ctx.fillStyle = inst.paint;
    ctx.fillRect(x, top, w, h);
    const [r, g, b] = inst.rgb;
    ctx.fillStyle = (0.299 * r + 0.587 * g + 0.114 * b) > 140 ? '#000' : '#fff';
    ctx.fillText(inst.label, x + pad, top + pad);
}

/** Returns the RGBA of one canvas pixel (used by the end-to-end tests to check that a toggled mask really disappears). */
export function pixelAt(canvas, x, y) {
    return Array.from(canvas.getContext('2d').getImageData(x, y, 1, 1).data);
}

export function dispose(canvas) {
    viewers.delete(canvas);
}

// Zoom and pan: the stage (picture + canvas) is scaled and moved with a CSS transform inside a clipping viewport, so
// the canvas keeps its pixel grid and hover hit-testing (getBoundingClientRect) follows the transform by itself.
const zooms = new Map();

export function enableZoom(viewport, stage) {
    if (!viewport || !stage) return;
    const z = { scale: 1, x: 0, y: 0, stage, viewport, drag: null };
    zooms.set(viewport, z);
    viewport.addEventListener('wheel', e => {
        e.preventDefault();
        const r = viewport.getBoundingClientRect();
        zoomAt(z, e.deltaY < 0 ? 1.25 : 0.8, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    viewport.addEventListener('pointerdown', e => {
        if (z.scale === 1) return;
        z.drag = { id: e.pointerId, x: e.clientX - z.x, y: e.clientY - z.y };
        viewport.setPointerCapture(e.pointerId);
    });
    viewport.addEventListener('pointermove', e => {
        if (!z.drag || z.drag.id !== e.pointerId) return;
        z.x = e.clientX - z.drag.x;
        z.y = e.clientY - z.drag.y;
        apply(z);
    });
    const stop = () => { z.drag = null; };
    viewport.addEventListener('pointerup', stop);
    viewport.addEventListener('pointercancel', stop);
    viewport.addEventListener('dblclick', () => reset(z));
    viewport.addEventListener('keydown', e => {
        const step = 40;
        const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
        if (e.key === '+' || e.key === '=') zoomBy(viewport, 1.25);
        else if (e.key === '-') zoomBy(viewport, 0.8);
        else if (e.key === '0') reset(z);
        else if (moves[e.key] && z.scale > 1) { z.x += moves[e.key][0]; z.y += moves[e.key][1]; apply(z); }
        else return;
        e.preventDefault();
        e.stopPropagation();
    });
}

/** Zooms around the viewport's centre (the buttons and the +/- keys). */
export function zoomBy(viewport, factor) {
    const z = zooms.get(viewport);
    if (z) zoomAt(z, factor, viewport.clientWidth / 2, viewport.clientHeight / 2);
}

export function resetZoom(viewport) {
    const z = zooms.get(viewport);
    if (z) reset(z);
}

export function zoomOf(viewport) {
    return zooms.get(viewport)?.scale ?? 1;
}

export function disableZoom(viewport) {
    zooms.delete(viewport);
}

function zoomAt(z, factor, px, py) {
    const scale = Math.min(8, Math.max(1, z.scale * factor));
    const k = scale / z.scale;
    // Keep the point under the cursor where it is.
    z.x = px - (px - z.x) * k;
    z.y = py - (py - z.y) * k;
    z.scale = scale;
    if (scale === 1) { z.x = 0; z.y = 0; }
    apply(z);
}

function reset(z) {
    z.scale = 1; z.x = 0; z.y = 0;
    apply(z);
}

function apply(z) {
    // Never pan the picture out of the viewport.
    const w = z.viewport.clientWidth, h = z.viewport.clientHeight;
    z.x = Math.min(0, Math.max(w - w * z.scale, z.x));
    z.y = Math.min(0, Math.max(h - h * z.scale, z.y));
    z.stage.style.transform = `translate(${z.x}px, ${z.y}px) scale(${z.scale})`;
    z.viewport.dataset.zoom = z.scale.toFixed(2);
    z.viewport.classList.toggle('zoomed', z.scale > 1);
}
