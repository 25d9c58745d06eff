//! The chart kit: every chart of the app, hand-written SVG.
//!
//! Why hand-written: the charts needed (bars, stacked bars, lines, histograms, scatter, heat
//! matrices, ROC/gain curves, a treemap) with keyboard focus, readable French and English
//! ticks, and exports that look like the screen are a few hundred lines over two scales; the
//! Leptos chart crates cover lines and bars only (leptos-chartistry) or draw on a canvas
//! (plotters), which neither exports SVG nor reads to a screen reader.
//!
//! Every chart is a [`ChartBox`]: a `<figure data-chart=id>` holding an
//! `<svg role="img" aria-label>` with its own `<style>` (so an exported file looks like the
//! screen), a caption with export buttons (`data-export="svg|png|csv"`), and a live readout.
//! Marks report hover and keyboard focus (arrow keys on the focused chart) to the readout. The
//! geometry is pure functions over [`scale`], tested natively; colours come from the
//! Okabe–Ito palette (safe for the common colour-vision deficiencies) and one indigo ramp for
//! sequences.

pub mod kinds;
pub mod scale;

use leptos::prelude::*;
use leptos::web_sys;

use crate::export;
use crate::i18n::Lang;

pub use kinds::*;

/// Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8c8c00", "#444444",
];

/// The indices of `keys` from the largest key to the smallest (ties keep their order).
///
/// Every sort of the page goes through here: each `sort_by` with a closure of its own is a
/// whole sorting routine in the page's wasm module (several KB each).
pub fn order_desc(keys: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[b].total_cmp(&keys[a]));
    order
}

pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// A sequential colour from pale to deep indigo (`t` in 0–1).
pub fn ramp(t: f64) -> String {
    let s = t.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * s).round() as u8;
    format!(
        "rgb({}, {}, {})",
        lerp(238.0, 49.0),
        lerp(242.0, 46.0),
        lerp(255.0, 129.0)
    )
}

/// How a chart's numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFmt {
    Int,
    Dec(u8),
    Money,
    /// A share 0–1 as a percentage.
    Pct,
    /// Days.
    Days,
}

impl NumFmt {
    pub fn full(self, lang: Lang, v: f64) -> String {
        if !v.is_finite() {
            return "–".to_string();
        }
        match self {
            NumFmt::Int => lang.int_signed(v.round() as i64),
            NumFmt::Dec(p) => lang.dec(v, usize::from(p)),
            NumFmt::Money => lang.money(v),
            NumFmt::Pct => lang.pct(v),
            NumFmt::Days => lang.days(v),
        }
    }

    /// Short form for axis ticks (`12 k€`, `40 %`).
    pub fn tick(self, lang: Lang, v: f64) -> String {
        match self {
            NumFmt::Money => lang.money_short(v),
            NumFmt::Pct => lang.pct_short(v),
            NumFmt::Int | NumFmt::Days => lang.compact(v),
            NumFmt::Dec(_) if v.abs() >= 1000.0 => lang.compact(v),
            NumFmt::Dec(_) => {
                // Ticks are round numbers: as many decimals as the value needs, up to three.
                let s = format!("{v:.3}");
                let places = s
                    .trim_end_matches('0')
                    .split('.')
                    .nth(1)
                    .map_or(0, str::len);
                lang.dec(v, places)
            }
        }
    }
}

/// Estimated width of a label in pixels at the charts' 11 px font: screen and export agree,
/// nothing is measured in the DOM.
pub fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 6.4
}

/// The style every chart carries inside its SVG.
const STYLE: &str = "text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:11px;fill:#475569}\
.axis-title{font-size:11px;fill:#334155;font-weight:600}\
.grid{stroke:#e2e8f0;stroke-width:1}\
.domain{stroke:#94a3b8;stroke-width:1}\
.mark{transition:opacity .1s}\
.mark.active{stroke:#0f172a;stroke-width:2}\
.line{fill:none;stroke-width:2.2}\
.value{font-size:10.5px;fill:#1e293b}\
.cell-text{font-size:11px}\
.legend{font-size:11px;fill:#334155}";

/// What the marks share with their frame: the datum under the pointer or the keyboard.
#[derive(Clone, Copy)]
pub struct Focus {
    pub active: RwSignal<Option<usize>>,
}

impl Focus {
    pub fn is(&self, i: usize) -> Signal<bool> {
        let active = self.active;
        Signal::derive(move || active.get() == Some(i))
    }
}

/// A chart's frame: caption, export buttons, the SVG, a readout for hover and keyboard.
#[component]
pub fn ChartBox(
    /// Stable id: `data-chart`, and the export file's name.
    id: String,
    title: Signal<String>,
    /// Units and definitions, shown under the title and as the SVG's description.
    #[prop(optional, into)]
    note: Option<Signal<String>>,
    width: f64,
    height: f64,
    /// One readout text per datum, in the order marks number them.
    items: Signal<Vec<String>>,
    focus: Focus,
    /// The chart's data as a table, for the CSV export.
    #[prop(optional, into)]
    table: Option<Signal<(Vec<String>, Vec<Vec<String>>)>>,
    lang: Signal<Lang>,
    children: Children,
) -> impl IntoView {
    let active = focus.active;
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let n = items.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        let cur = active.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => Some(cur.map_or(0, |i| (i + 1) % n)),
            "ArrowLeft" | "ArrowUp" => Some(cur.map_or(n - 1, |i| (i + n - 1) % n)),
            "Home" => Some(0),
            "End" => Some(n - 1),
            "Escape" => None,
            _ => return,
        };
        ev.prevent_default();
        active.set(next);
    };
    let readout = move || {
        let t = lang.get().charts();
        match active.get() {
            Some(i) => items.with(|v| v.get(i).cloned()).unwrap_or_default(),
            None => t.hint.to_string(),
        }
    };
    let svg_id = id.clone();
    let png_id = id.clone();
    let csv_id = id.clone();
    let desc = move || note.map(|n| n.get()).unwrap_or_default();
    let has_table = table.is_some();
    view! {
        <figure class="chart" data-chart=id.clone()>
            <figcaption>
                <div class="chart-title">
                    <strong>{move || title.get()}</strong>
                    {note.map(|n| view! { <span class="chart-note">{move || n.get()}</span> })}
                </div>
                <div class="chart-actions no-print">
                    <button
                        class="icon-button"
                        data-export="svg"
                        title=move || lang.get().charts().export_svg
                        on:click=move |_| export::chart_svg(&svg_id)
                    >
                        "SVG"
                    </button>
                    <button
                        class="icon-button"
                        data-export="png"
                        title=move || lang.get().charts().export_png
                        on:click=move |_| export::chart_png(&png_id)
                    >
                        "PNG"
                    </button>
                    {has_table
                        .then(|| {
                            let csv_id = csv_id.clone();
                            view! {
                                <button
                                    class="icon-button"
                                    data-export="csv"
                                    title=move || lang.get().charts().export_csv
                                    on:click=move |_| {
                                        if let Some(t) = table {
                                            let (head, rows) = t.get_untracked();
                                            export::table_csv(&csv_id, &head, &rows, lang.get_untracked());
                                        }
                                    }
                                >
                                    "CSV"
                                </button>
                            }
                        })}
                </div>
            </figcaption>
            <svg
                xmlns="http://www.w3.org/2000/svg"
                role="img"
                aria-label=move || title.get()
                viewBox=format!("0 0 {width} {height}")
                width=width
                height=height
                tabindex="0"
                on:keydown=on_key
                on:blur=move |_| active.set(None)
            >
                <title>{move || title.get()}</title>
                <desc>{desc}</desc>
                <style>{STYLE}</style>
                <rect width=width height=height fill="#ffffff"></rect>
                {children()}
            </svg>
            <p class="chart-readout" aria-live="polite">{readout}</p>
        </figure>
    }
}

/// Horizontal grid lines and left-axis labels of a linear y scale.
pub fn y_axis(
    y: scale::Linear,
    ticks: usize,
    fmt: NumFmt,
    left: f64,
    right: f64,
    lang: Signal<Lang>,
) -> impl IntoView {
    y.ticks(ticks)
        .into_iter()
        .map(|v| {
            let py = y.map(v);
            view! {
                <line class="grid" x1=left x2=right y1=py y2=py></line>
                <text x=left - 6.0 y=py + 3.5 text-anchor="end">
                    {move || fmt.tick(lang.get(), v)}
                </text>
            }
        })
        .collect_view()
}

/// Vertical grid lines and bottom-axis labels of a linear x scale.
pub fn x_axis(
    x: scale::Linear,
    ticks: usize,
    fmt: NumFmt,
    top: f64,
    bottom: f64,
    lang: Signal<Lang>,
) -> impl IntoView {
    x.ticks(ticks)
        .into_iter()
        .map(|v| {
            let px = x.map(v);
            view! {
                <line class="grid" x1=px x2=px y1=top y2=bottom></line>
                <text x=px y=bottom + 14.0 text-anchor="middle">
                    {move || fmt.tick(lang.get(), v)}
                </text>
            }
        })
        .collect_view()
}

/// An axis title: below the plot (`vertical = false`) or rotated along the left side.
pub fn axis_title(text: Signal<String>, x: f64, y: f64, vertical: bool) -> impl IntoView {
    let transform = vertical.then(|| format!("rotate(-90 {x} {y})"));
    view! {
        <text class="axis-title" x=x y=y text-anchor="middle" transform=transform>
            {move || text.get()}
        </text>
    }
}

/// A one-line legend at the top right: a swatch and a name per series.
pub fn legend(names: Vec<(String, &'static str)>, right: f64, y: f64) -> impl IntoView {
    let mut x = right;
    let mut items = Vec::new();
    for (name, colour) in names.into_iter().rev() {
        x -= text_width(&name) + 22.0;
        items.push(view! {
            <g class="legend-item">
                <rect x=x y=y - 8.0 width="10" height="10" rx="2" fill=colour></rect>
                <text class="legend" x=x + 14.0 y=y + 1.0>{name}</text>
            </g>
        });
    }
    items.into_iter().rev().collect_view()
}

#[cfg(test)]
mod order_tests {
    use super::order_desc;

    #[test]
    fn largest_first_ties_in_order_nan_first() {
        assert_eq!(order_desc(&[1.0, 3.0, 2.0, 3.0]), vec![1, 3, 2, 0]);
        assert_eq!(order_desc(&[]), Vec::<usize>::new());
        // total_cmp puts NaN above every number.
        assert_eq!(order_desc(&[0.5, f64::NAN]), vec![1, 0]);
    }
}
