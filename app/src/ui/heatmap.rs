//! The R×F heat map: customers per recency and frequency score, as an SVG grid.

use leptos::prelude::*;

use crate::i18n::Lang;

const CELL: f64 = 76.0;
const GAP: f64 = 4.0;
const LEFT: f64 = 64.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 56.0;

/// Colour of a cell holding `share` of the largest cell: from pale to deep indigo.
pub fn cell_colour(share: f64) -> String {
    let s = share.clamp(0.0, 1.0);
    // Interpolate in RGB between #eef2ff and #312e81.
    let lerp = |a: f64, b: f64| (a + (b - a) * s).round() as u8;
    format!(
        "rgb({}, {}, {})",
        lerp(238.0, 49.0),
        lerp(242.0, 46.0),
        lerp(255.0, 129.0)
    )
}

/// `grid[r-1][f-1]` customer counts.
#[component]
pub fn Heatmap(grid: Vec<Vec<u64>>, customers: usize, lang: Signal<Lang>) -> impl IntoView {
    let tiles = grid.len();
    // Spread the colour scale over the observed range so that differences show.
    let max = grid.iter().flatten().copied().max().unwrap_or(0) as f64;
    let min = grid.iter().flatten().copied().min().unwrap_or(0) as f64;
    let span = (max - min).max(1.0);
    let hovered = RwSignal::new(None::<(usize, usize, u64)>);
    let width = LEFT + tiles as f64 * (CELL + GAP);
    let height = TOP + tiles as f64 * (CELL + GAP) + BOTTOM;
    let mut cells = Vec::new();
    for (ri, row) in grid.iter().enumerate() {
        for (fi, &count) in row.iter().enumerate() {
            let r = ri + 1;
            let f = fi + 1;
            // R = 5 at the top.
            let x = LEFT + fi as f64 * (CELL + GAP);
            let y = TOP + (tiles - r) as f64 * (CELL + GAP);
            let share = 0.1 + 0.9 * (count as f64 - min) / span;
            let text_fill = if share > 0.5 { "#ffffff" } else { "#1e1b4b" };
            let label = move || lang.get().int(count);
            cells.push(view! {
                <g
                    class="hm-cell"
                    data-r=r
                    data-f=f
                    data-count=count
                    on:mouseenter=move |_| hovered.set(Some((r, f, count)))
                    on:mouseleave=move |_| hovered.set(None)
                >
                    <rect
                        x=x
                        y=y
                        width=CELL
                        height=CELL
                        rx="6"
                        fill=cell_colour(share)
                    ></rect>
                    <text
                        x=x + CELL / 2.0
                        y=y + CELL / 2.0 + 5.0
                        text-anchor="middle"
                        fill=text_fill
                        class="hm-count"
                    >
                        {label}
                    </text>
                </g>
            });
        }
    }
    let axis_labels = (1..=tiles)
        .map(|i| {
            let x = LEFT + (i - 1) as f64 * (CELL + GAP) + CELL / 2.0;
            let y = TOP + (tiles - i) as f64 * (CELL + GAP) + CELL / 2.0 + 5.0;
            let base = TOP + tiles as f64 * (CELL + GAP) + 16.0;
            view! {
                <text x=x y=base text-anchor="middle" class="hm-tick">{format!("F{i}")}</text>
                <text x=LEFT - 12.0 y=y text-anchor="end" class="hm-tick">{format!("R{i}")}</text>
            }
        })
        .collect_view();
    let readout = move || {
        let l = lang.get();
        let t = l.texts();
        match hovered.get() {
            Some((r, f, count)) => format!(
                "R{r} · F{f} : {} {} ({} {})",
                l.int(count),
                t.customers_in_cell,
                l.pct(count as f64 / customers.max(1) as f64),
                t.of_base
            ),
            None => t.heatmap_sub.to_string(),
        }
    };
    view! {
        <div class="heatmap">
            <svg
                viewBox=format!("0 0 {width} {height}")
                width=width
                height=height
                role="img"
                aria-label=move || lang.get().texts().heatmap_title
            >
                {cells}
                {axis_labels}
                <text
                    x=LEFT + tiles as f64 * (CELL + GAP) / 2.0
                    y=height - 10.0
                    text-anchor="middle"
                    class="hm-axis"
                >
                    {move || lang.get().texts().frequency_axis}
                </text>
                <text
                    x="14"
                    y=TOP + tiles as f64 * (CELL + GAP) / 2.0
                    text-anchor="middle"
                    class="hm-axis"
                    transform=format!("rotate(-90 14 {})", TOP + tiles as f64 * (CELL + GAP) / 2.0)
                >
                    {move || lang.get().texts().recency_axis}
                </text>
            </svg>
            <p class="hm-readout" data-testid="hm-readout">{readout}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_scale_ends() {
        assert_eq!(cell_colour(0.0), "rgb(238, 242, 255)");
        assert_eq!(cell_colour(1.0), "rgb(49, 46, 129)");
        assert_eq!(cell_colour(7.0), cell_colour(1.0));
    }
}
