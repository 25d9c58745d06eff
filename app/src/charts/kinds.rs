//! The chart types: thin presets over [`ChartBox`], scales and marks, on concrete data.

use leptos::prelude::*;

use super::scale::{Band, Linear, extent};
use super::{
    ChartBox, Focus, NumFmt, axis_title, colour, legend, ramp, text_width, x_axis, y_axis,
};
use crate::i18n::Lang;

/// One series of values, one per label.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    pub colour: &'static str,
}

impl Series {
    pub fn new(name: impl Into<String>, values: Vec<f64>, i: usize) -> Series {
        Series {
            name: name.into(),
            values,
            colour: colour(i),
        }
    }
}

fn focus() -> Focus {
    Focus {
        active: RwSignal::new(None),
    }
}

fn num_cells(values: &[f64]) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            if v.is_finite() {
                format!("{v}")
            } else {
                String::new()
            }
        })
        .collect()
}

/// Bars per label: vertical or horizontal, one series, grouped series or stacked series.
#[component]
pub fn BarChart(
    id: String,
    title: Signal<String>,
    #[prop(optional, into)] note: Option<Signal<String>>,
    labels: Vec<String>,
    series: Vec<Series>,
    #[prop(default = false)] horizontal: bool,
    #[prop(default = false)] stacked: bool,
    fmt: NumFmt,
    lang: Signal<Lang>,
    #[prop(default = 640.0)] width: f64,
    #[prop(optional)] height: Option<f64>,
    /// Name of the labels' column in the CSV export.
    #[prop(optional, into)]
    label_title: Option<Signal<String>>,
    #[prop(optional, into)] value_title: Option<Signal<String>>,
) -> impl IntoView {
    let n = labels.len();
    let k = series.len();
    let f = focus();
    let totals: Vec<f64> = (0..n)
        .map(|i| series.iter().map(|s| s.values[i].max(0.0)).sum())
        .collect();
    let values_all: Vec<f64> = if stacked {
        totals.clone()
    } else {
        series.iter().flat_map(|s| s.values.clone()).collect()
    };
    let (lo, hi) = extent(values_all, true);
    let show_legend = k > 1;
    let items = {
        let labels = labels.clone();
        let series = series.clone();
        Signal::derive(move || {
            let l = lang.get();
            let mut out = Vec::new();
            for (i, label) in labels.iter().enumerate() {
                for s in &series {
                    let name = if series.len() > 1 {
                        format!(" · {}", s.name)
                    } else {
                        String::new()
                    };
                    out.push(format!("{label}{name} : {}", fmt.full(l, s.values[i])));
                }
            }
            out
        })
    };
    let table = {
        let labels = labels.clone();
        let series = series.clone();
        Signal::derive(move || {
            let mut head = vec![label_title.map(|t| t.get()).unwrap_or_default()];
            head.extend(series.iter().map(|s| s.name.clone()));
            let rows = labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut r = vec![l.clone()];
                    r.extend(series.iter().map(|s| num_cells(&s.values[i..=i]).remove(0)));
                    r
                })
                .collect();
            (head, rows)
        })
    };
    let height_prop = height;
    let marks;
    let height;
    if horizontal {
        let left = labels
            .iter()
            .map(|l| text_width(l))
            .fold(40.0, f64::max)
            .min(width * 0.4)
            + 12.0;
        let row = if k > 1 && !stacked {
            14.0 * k as f64 + 8.0
        } else {
            24.0
        };
        let top = if show_legend { 30.0 } else { 10.0 };
        height = top + row * n as f64 + 34.0;
        // Room for the value written after the longest bar (in the longer language).
        let widest = values_max(&series, &totals, stacked);
        let label = fmt
            .full(Lang::Fr, widest)
            .chars()
            .count()
            .max(fmt.full(Lang::En, widest).chars().count());
        let right = width - (label as f64 * 6.0 + 14.0).max(30.0);
        let x = Linear::new(lo, hi, left, right).nice(5);
        let band = Band {
            n,
            r0: top,
            r1: top + row * n as f64,
            padding: 0.25,
        };
        let mut v = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let y0 = band.start(i);
            let bw = band.width();
            let mut acc = 0.0;
            for (j, s) in series.iter().enumerate() {
                let val = s.values[i];
                let idx = i * k + j;
                let (x0, x1, y, h) = if stacked {
                    let a = x.map(acc);
                    acc += val.max(0.0);
                    (a, x.map(acc), y0, bw)
                } else {
                    let h = bw / k as f64;
                    (x.map(0.0_f64.max(lo)), x.map(val), y0 + h * j as f64, h)
                };
                let (xa, xb) = if x1 < x0 { (x1, x0) } else { (x0, x1) };
                let active = f.is(idx);
                let active_set = f.active;
                v.push(
                    view! {
                        <rect
                            class="mark"
                            class:active=move || active.get()
                            data-i=idx
                            x=xa
                            y=y
                            width=(xb - xa).max(0.5)
                            height=h
                            rx="2"
                            fill=s.colour
                            on:mouseenter=move |_| active_set.set(Some(idx))
                        ></rect>
                    }
                    .into_any(),
                );
            }
            let label = label.clone();
            v.push(
                view! {
                    <text x=left - 8.0 y=band.center(i) + 3.5 text-anchor="end">{label}</text>
                }
                .into_any(),
            );
            if k == 1 || stacked {
                let total = totals[i];
                let end = x.map(if stacked { total } else { series[0].values[i] }.max(0.0));
                let val = if stacked { total } else { series[0].values[i] };
                v.push(
                    view! {
                        <text class="value" x=end + 4.0 y=band.center(i) + 3.5>
                            {move || fmt.full(lang.get(), val)}
                        </text>
                    }
                    .into_any(),
                );
            }
        }
        let bottom = top + row * n as f64;
        marks = view! {
            {x_axis(x, 5, fmt, top, bottom, lang)}
            {v}
            {value_title.map(|t| axis_title(t, (left + right) / 2.0, bottom + 30.0, false))}
            {show_legend.then(|| legend(series.iter().map(|s| (s.name.clone(), s.colour)).collect(), width - 8.0, 14.0))}
        }
        .into_any();
    } else {
        height = height_prop.unwrap_or(300.0);
        let left = 58.0;
        let top = if show_legend { 30.0 } else { 14.0 };
        let bottom = height - 44.0;
        let y = Linear::new(lo, hi, bottom, top).nice(5);
        let band = Band {
            n,
            r0: left,
            r1: width - 12.0,
            padding: 0.2,
        };
        let longest = labels.iter().map(|l| text_width(l)).fold(0.0, f64::max);
        let every = band.label_every(longest + 8.0);
        let mut v = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let x0 = band.start(i);
            let bw = band.width();
            let mut acc = 0.0;
            for (j, s) in series.iter().enumerate() {
                let val = s.values[i];
                let idx = i * k + j;
                let (xa, w, ya, yb) = if stacked {
                    let a = y.map(acc);
                    acc += val.max(0.0);
                    (x0, bw, y.map(acc), a)
                } else {
                    let w = bw / k as f64;
                    let base = y.map(0.0_f64.max(y.d0));
                    let top_y = y.map(val);
                    (x0 + w * j as f64, w, top_y.min(base), top_y.max(base))
                };
                let active = f.is(idx);
                let active_set = f.active;
                v.push(
                    view! {
                        <rect
                            class="mark"
                            class:active=move || active.get()
                            data-i=idx
                            x=xa
                            y=ya
                            width=w
                            height=(yb - ya).max(0.5)
                            rx="2"
                            fill=s.colour
                            on:mouseenter=move |_| active_set.set(Some(idx))
                        ></rect>
                    }
                    .into_any(),
                );
            }
            if i % every == 0 {
                let label = label.clone();
                v.push(
                    view! {
                        <text x=band.center(i) y=bottom + 15.0 text-anchor="middle">{label}</text>
                    }
                    .into_any(),
                );
            }
        }
        marks = view! {
            {y_axis(y, 5, fmt, left, width - 12.0, lang)}
            <line class="domain" x1=left x2=width - 12.0 y1=bottom y2=bottom></line>
            {v}
            {value_title.map(|t| axis_title(t, 14.0, (top + bottom) / 2.0, true))}
            {label_title.map(|t| axis_title(t, (left + width) / 2.0, height - 8.0, false))}
            {show_legend.then(|| legend(series.iter().map(|s| (s.name.clone(), s.colour)).collect(), width - 8.0, 14.0))}
        }
        .into_any();
    }
    view! {
        <ChartBox id title note=note.unwrap_or_default() width height items focus=f table lang>
            {marks}
        </ChartBox>
    }
}

fn values_max(series: &[Series], totals: &[f64], stacked: bool) -> f64 {
    if stacked {
        totals.iter().copied().fold(0.0, f64::max)
    } else {
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite())
            .fold(0.0, |a: f64, b| if b.abs() > a.abs() { b } else { a })
    }
}

/// Lines over categories (periods, offsets), one per series; blanks (NaN) break a line.
#[component]
pub fn LineChart(
    id: String,
    title: Signal<String>,
    #[prop(optional, into)] note: Option<Signal<String>>,
    labels: Vec<String>,
    series: Vec<Series>,
    fmt: NumFmt,
    lang: Signal<Lang>,
    #[prop(default = 640.0)] width: f64,
    #[prop(default = 260.0)] height: f64,
    #[prop(default = true)] zero: bool,
    #[prop(optional, into)] label_title: Option<Signal<String>>,
    #[prop(optional, into)] value_title: Option<Signal<String>>,
    /// Draw dots on every point (few points) or only on the active one.
    #[prop(default = false)]
    dots: bool,
) -> impl IntoView {
    let n = labels.len();
    let f = focus();
    let (lo, hi) = extent(series.iter().flat_map(|s| s.values.clone()), zero);
    let show_legend = series.len() > 1;
    let left = 58.0;
    let top = if show_legend { 30.0 } else { 14.0 };
    let bottom = height - if label_title.is_some() { 44.0 } else { 28.0 };
    let right = width - 14.0;
    let y = Linear::new(lo, hi, bottom, top).nice(4);
    let band = Band {
        n,
        r0: left,
        r1: right,
        padding: 0.0,
    };
    let longest = labels.iter().map(|l| text_width(l)).fold(0.0, f64::max);
    let every = band.label_every(longest + 10.0);
    let items = {
        let labels = labels.clone();
        let series = series.clone();
        Signal::derive(move || {
            let l = lang.get();
            labels
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let vals: Vec<String> = series
                        .iter()
                        .map(|s| {
                            if series.len() > 1 {
                                format!("{} {}", s.name, fmt.full(l, s.values[i]))
                            } else {
                                fmt.full(l, s.values[i])
                            }
                        })
                        .collect();
                    format!("{label} : {}", vals.join(" · "))
                })
                .collect()
        })
    };
    let table = {
        let labels = labels.clone();
        let series = series.clone();
        Signal::derive(move || {
            let mut head = vec![label_title.map(|t| t.get()).unwrap_or_default()];
            head.extend(series.iter().map(|s| s.name.clone()));
            let rows = labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut r = vec![l.clone()];
                    r.extend(series.iter().map(|s| num_cells(&s.values[i..=i]).remove(0)));
                    r
                })
                .collect();
            (head, rows)
        })
    };
    let paths: Vec<_> = series
        .iter()
        .map(|s| {
            let mut d = String::new();
            let mut pen = false;
            for (i, v) in s.values.iter().enumerate() {
                if v.is_finite() {
                    d.push_str(&format!(
                        "{}{:.1},{:.1}",
                        if pen { "L" } else { "M" },
                        band.center(i),
                        y.map(*v)
                    ));
                    pen = true;
                } else {
                    pen = false;
                }
            }
            // Every point drawn only when there are few (`dots`); otherwise one dot follows
            // the focus, which keeps long series light to draw.
            let dots_view = if dots {
                s.values
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(i, v)| {
                        let active = f.is(i);
                        let cx = band.center(i);
                        let cy = y.map(*v);
                        view! {
                            <circle cx=cx cy=cy r=move || if active.get() { 4.5 } else { 2.8 } fill=s.colour></circle>
                        }
                    })
                    .collect_view()
                    .into_any()
            } else {
                let values = s.values.clone();
                let active = f.active;
                let colour = s.colour;
                (move || {
                    let i = active.get()?;
                    let v = *values.get(i)?;
                    v.is_finite().then(|| {
                        view! { <circle cx=band.center(i) cy=y.map(v) r="4.5" fill=colour></circle> }
                    })
                })
                .into_any()
            };
            view! {
                <path class="line" d=d stroke=s.colour></path>
                {dots_view}
            }
        })
        .collect();
    // Hover zones: one column per label, so the pointer needs no precision.
    let zones = (0..n)
        .map(|i| {
            let set = f.active;
            let w = band.step().max(1.0);
            view! {
                <rect
                    class="zone"
                    data-i=i
                    x=band.center(i) - w / 2.0
                    y=top
                    width=w
                    height=bottom - top
                    fill="transparent"
                    on:mouseenter=move |_| set.set(Some(i))
                ></rect>
            }
        })
        .collect_view();
    let active = f.active;
    let rule = move || {
        active.get().filter(|&i| i < n).map(|i| {
            let x = band.center(i);
            view! { <line class="domain" x1=x x2=x y1=top y2=bottom stroke-dasharray="3 3"></line> }
        })
    };
    let ticks = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| {
            let l = l.clone();
            view! { <text x=band.center(i) y=bottom + 15.0 text-anchor="middle">{l}</text> }
        })
        .collect_view();
    view! {
        <ChartBox id title note=note.unwrap_or_default() width height items focus=f table lang>
            {y_axis(y, 4, fmt, left, right, lang)}
            <line class="domain" x1=left x2=right y1=bottom y2=bottom></line>
            {ticks}
            {rule}
            {paths}
            {zones}
            {value_title.map(|t| axis_title(t, 14.0, (top + bottom) / 2.0, true))}
            {label_title.map(|t| axis_title(t, (left + right) / 2.0, height - 8.0, false))}
            {show_legend.then(|| legend(series.iter().map(|s| (s.name.clone(), s.colour)).collect(), width - 8.0, 14.0))}
        </ChartBox>
    }
}

/// A distribution as bars over equal-width bins; values above the last edge are told in the
/// note, not drawn.
#[component]
pub fn Histogram(
    id: String,
    title: Signal<String>,
    #[prop(optional, into)] note: Option<Signal<String>>,
    edges: Vec<f64>,
    counts: Vec<u64>,
    x_fmt: NumFmt,
    lang: Signal<Lang>,
    #[prop(default = 640.0)] width: f64,
    #[prop(default = 260.0)] height: f64,
    #[prop(into)] x_title: Signal<String>,
    #[prop(into)] y_title: Signal<String>,
) -> impl IntoView {
    let f = focus();
    let total: u64 = counts.iter().sum();
    let left = 58.0;
    let top = 12.0;
    let bottom = height - 44.0;
    let right = width - 14.0;
    let lo = edges.first().copied().unwrap_or(0.0);
    let hi = edges.last().copied().unwrap_or(1.0);
    let x = Linear::new(lo, hi, left, right);
    let max = counts.iter().copied().max().unwrap_or(0) as f64;
    let y = Linear::new(0.0, max.max(1.0), bottom, top).nice(4);
    let items = {
        let edges = edges.clone();
        let counts = counts.clone();
        Signal::derive(move || {
            let l = lang.get();
            counts
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    format!(
                        "{} – {} : {} ({})",
                        x_fmt.full(l, edges[i]),
                        x_fmt.full(l, edges[i + 1]),
                        l.int(c),
                        l.pct(c as f64 / total.max(1) as f64)
                    )
                })
                .collect()
        })
    };
    let table = {
        let edges = edges.clone();
        let counts = counts.clone();
        Signal::derive(move || {
            let t = lang.get().charts();
            let head = vec![
                t.bin_from.to_string(),
                t.bin_to.to_string(),
                t.count.to_string(),
            ];
            let rows = counts
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    vec![
                        format!("{}", edges[i]),
                        format!("{}", edges[i + 1]),
                        c.to_string(),
                    ]
                })
                .collect();
            (head, rows)
        })
    };
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let x0 = x.map(edges[i]) + 0.5;
            let x1 = x.map(edges[i + 1]) - 0.5;
            let y0 = y.map(c as f64);
            let active = f.is(i);
            let set = f.active;
            view! {
                <rect
                    class="mark"
                    class:active=move || active.get()
                    data-i=i
                    x=x0
                    y=y0
                    width=(x1 - x0).max(0.5)
                    height=(bottom - y0).max(0.0)
                    fill=colour(0)
                    on:mouseenter=move |_| set.set(Some(i))
                ></rect>
            }
        })
        .collect_view();
    view! {
        <ChartBox id title note=note.unwrap_or_default() width height items focus=f table lang>
            {y_axis(y, 4, NumFmt::Int, left, right, lang)}
            {x_axis(x, 6, x_fmt, bottom, bottom, lang)}
            <line class="domain" x1=left x2=right y1=bottom y2=bottom></line>
            {bars}
            {axis_title(y_title, 14.0, (top + bottom) / 2.0, true)}
            {axis_title(x_title, (left + right) / 2.0, height - 8.0, false)}
        </ChartBox>
    }
}

/// Points coloured by group (clusters).
#[component]
pub fn Scatter(
    id: String,
    title: Signal<String>,
    #[prop(optional, into)] note: Option<Signal<String>>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    groups: Vec<usize>,
    group_names: Vec<String>,
    x_fmt: NumFmt,
    y_fmt: NumFmt,
    lang: Signal<Lang>,
    #[prop(into)] x_title: Signal<String>,
    #[prop(into)] y_title: Signal<String>,
    #[prop(default = 640.0)] width: f64,
    #[prop(default = 360.0)] height: f64,
) -> impl IntoView {
    let f = focus();
    let left = 62.0;
    let top = 30.0;
    let bottom = height - 44.0;
    let right = width - 14.0;
    // Heavy tails (spend, frequency): the axes stop at the 99th percentile and the few points
    // beyond are drawn on the edge, as the note says.
    let p99 = |v: &[f64]| {
        let s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        let desc = crate::charts::order_desc(&s);
        // The ascending rank r is the descending rank len - 1 - r.
        let rank = ((s.len() as f64 - 1.0) * 0.99).round().max(0.0) as usize;
        desc.get(s.len().saturating_sub(1 + rank))
            .map(|&i| s[i])
            .unwrap_or(1.0)
    };
    let (x0, _) = extent(xs.iter().copied(), true);
    let (y0, _) = extent(ys.iter().copied(), true);
    let (x1, y1) = (p99(&xs).max(x0 + 1e-9), p99(&ys).max(y0 + 1e-9));
    let x = Linear::new(x0, x1, left, right).nice(6);
    let y = Linear::new(y0, y1, bottom, top).nice(5);
    let items = {
        let (xs, ys, groups, names) = (xs.clone(), ys.clone(), groups.clone(), group_names.clone());
        Signal::derive(move || {
            let l = lang.get();
            (0..xs.len())
                .map(|i| {
                    format!(
                        "{} · {} {} · {} {}",
                        names.get(groups[i]).cloned().unwrap_or_default(),
                        x_title.get(),
                        x_fmt.full(l, xs[i]),
                        y_title.get(),
                        y_fmt.full(l, ys[i])
                    )
                })
                .collect()
        })
    };
    let table = {
        let (xs, ys, groups, names) = (xs.clone(), ys.clone(), groups.clone(), group_names.clone());
        Signal::derive(move || {
            let head = vec![
                x_title.get(),
                y_title.get(),
                lang.get().charts().group.to_string(),
            ];
            let rows = (0..xs.len())
                .map(|i| {
                    vec![
                        format!("{}", xs[i]),
                        format!("{}", ys[i]),
                        names.get(groups[i]).cloned().unwrap_or_default(),
                    ]
                })
                .collect();
            (head, rows)
        })
    };
    let dots = (0..xs.len())
        .map(|i| {
            let active = f.is(i);
            let set = f.active;
            view! {
                <circle
                    class="mark"
                    class:active=move || active.get()
                    data-i=i
                    cx=x.map(xs[i].min(x.d1))
                    cy=y.map(ys[i].min(y.d1))
                    r="3"
                    fill=colour(groups[i])
                    fill-opacity="0.65"
                    on:mouseenter=move |_| set.set(Some(i))
                ></circle>
            }
        })
        .collect_view();
    let names: Vec<(String, &'static str)> = group_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), colour(i)))
        .collect();
    view! {
        <ChartBox id title note=note.unwrap_or_default() width height items focus=f table lang>
            {y_axis(y, 5, y_fmt, left, right, lang)}
            {x_axis(x, 6, x_fmt, top, bottom, lang)}
            {dots}
            {legend(names, width - 8.0, 14.0)}
            {axis_title(y_title, 14.0, (top + bottom) / 2.0, true)}
            {axis_title(x_title, (left + right) / 2.0, height - 8.0, false)}
        </ChartBox>
    }
}

/// A matrix of values as coloured cells (R×F grid, migrations, cohorts, confusion).
#[component]
pub fn HeatMatrix(
    id: String,
    title: Signal<String>,
    #[prop(optional, into)] note: Option<Signal<String>>,
    rows: Vec<String>,
    cols: Vec<String>,
    values: Vec<Vec<Option<f64>>>,
    fmt: NumFmt,
    lang: Signal<Lang>,
    #[prop(default = 640.0)] width: f64,
    #[prop(optional)] cell_height: Option<f64>,
    #[prop(into)] row_title: Signal<String>,
    #[prop(into)] col_title: Signal<String>,
    /// The value of the darkest colour (the largest value when absent); larger values clamp.
    #[prop(optional)]
    scale_max: Option<f64>,
) -> impl IntoView {
    let f = focus();
    let nr = rows.len();
    let nc = cols.len();
    let left = rows
        .iter()
        .map(|r| text_width(r))
        .fold(24.0, f64::max)
        .min(170.0)
        + 30.0;
    let longest_col = cols.iter().map(|c| text_width(c)).fold(0.0, f64::max);
    let cw_guess = ((width - 8.0 - left) / cols.len().max(1) as f64).max(4.0);
    // Column labels wider than their cells are written at an angle.
    let slanted = longest_col + 6.0 > cw_guess && cols.len() <= 24;
    let top = if slanted {
        30.0 + longest_col * 0.6
    } else {
        30.0
    };
    let right = width - 8.0;
    let cw = ((right - left) / nc.max(1) as f64).max(4.0);
    let ch = cell_height.unwrap_or(cw.clamp(18.0, 44.0));
    let height = top + ch * nr as f64 + 30.0;
    let max = scale_max.unwrap_or_else(|| {
        values
            .iter()
            .flatten()
            .flatten()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
    });
    let items = {
        let (rows, cols, values) = (rows.clone(), cols.clone(), values.clone());
        Signal::derive(move || {
            let l = lang.get();
            let mut out = Vec::new();
            for (i, r) in rows.iter().enumerate() {
                for (j, c) in cols.iter().enumerate() {
                    let v = values[i].get(j).copied().flatten();
                    out.push(format!(
                        "{} {} · {} {} : {}",
                        row_title.get(),
                        r,
                        col_title.get(),
                        c,
                        v.map_or("–".to_string(), |v| fmt.full(l, v))
                    ));
                }
            }
            out
        })
    };
    let table = {
        let (rows, cols, values) = (rows.clone(), cols.clone(), values.clone());
        Signal::derive(move || {
            let mut head = vec![row_title.get()];
            head.extend(cols.iter().cloned());
            let body = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut row = vec![r.clone()];
                    row.extend((0..cols.len()).map(|j| {
                        values[i]
                            .get(j)
                            .copied()
                            .flatten()
                            .map_or(String::new(), |v| format!("{v}"))
                    }));
                    row
                })
                .collect();
            (head, body)
        })
    };
    let show_text = cw >= 34.0;
    let mut cells = Vec::new();
    for i in 0..nr {
        for j in 0..nc {
            let v = values[i].get(j).copied().flatten();
            let idx = i * nc + j;
            let active = f.is(idx);
            let set = f.active;
            let x = left + cw * j as f64;
            let y = top + ch * i as f64;
            let share = v.map_or(0.0, |v| if max > 0.0 { (v / max).min(1.0) } else { 0.0 });
            let fill = if v.is_some() {
                ramp(0.06 + 0.94 * share)
            } else {
                "#f8fafc".to_string()
            };
            let ink = if share > 0.55 { "#ffffff" } else { "#1e1b4b" };
            cells.push(
                view! {
                    <rect
                        class="mark"
                        class:active=move || active.get()
                        data-i=idx
                        data-row=i
                        data-col=j
                        data-value=v.map(|v| v.to_string())
                        x=x + 1.0
                        y=y + 1.0
                        width=cw - 2.0
                        height=ch - 2.0
                        rx="3"
                        fill=fill
                        on:mouseenter=move |_| set.set(Some(idx))
                    ></rect>
                }
                .into_any(),
            );
            if show_text && let Some(v) = v {
                cells.push(view! {
                    <text class="cell-text" x=x + cw / 2.0 y=y + ch / 2.0 + 4.0 text-anchor="middle" fill=ink style=format!("fill:{ink}") pointer-events="none">
                        {move || fmt.tick(lang.get(), v)}
                    </text>
                }.into_any());
            }
        }
    }
    let row_labels = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let r = r.clone();
            view! { <text x=left - 6.0 y=top + ch * i as f64 + ch / 2.0 + 4.0 text-anchor="end">{r}</text> }
        })
        .collect_view();
    let every = if slanted {
        1
    } else {
        ((longest_col.max(text_width("+00")) + 6.0) / cw)
            .ceil()
            .max(1.0) as usize
    };
    let col_labels = cols
        .iter()
        .enumerate()
        .filter(|(j, _)| j % every == 0)
        .map(|(j, c)| {
            let c = c.clone();
            let x = left + cw * j as f64 + cw / 2.0;
            let y = top - 6.0;
            if slanted {
                view! { <text x=x y=y text-anchor="start" transform=format!("rotate(-35 {x} {y})")>{c}</text> }.into_any()
            } else {
                view! { <text x=x y=y text-anchor="middle">{c}</text> }.into_any()
            }
        })
        .collect_view();
    view! {
        <ChartBox id title note=note.unwrap_or_default() width height items focus=f table lang>
            {cells}
            {row_labels}
            {col_labels}
            {axis_title(col_title, (left + right) / 2.0, 12.0, false)}
            {axis_title(row_title, 12.0, top + ch * nr as f64 / 2.0, true)}
        </ChartBox>
    }
}

/// A curve on the unit square: ROC, cumulative gain; with the diagonal of a random guess.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub colour: &'static str,
}

#[component]
pub fn Curves(
    id: String,
    title: Signal<String>,
    #[prop(optional, into)] note: Option<Signal<String>>,
    curves: Vec<Curve>,
    lang: Signal<Lang>,
    #[prop(into)] x_title: Signal<String>,
    #[prop(into)] y_title: Signal<String>,
    #[prop(default = 420.0)] width: f64,
    #[prop(default = 360.0)] height: f64,
    /// A marked point per curve (the threshold's operating point).
    #[prop(optional, into)]
    marks: Option<Signal<Vec<(f64, f64)>>>,
) -> impl IntoView {
    let f = focus();
    let left = 52.0;
    let top = 30.0;
    let bottom = height - 44.0;
    let right = width - 14.0;
    let x = Linear::new(0.0, 1.0, left, right);
    let y = Linear::new(0.0, 1.0, bottom, top);
    let items = {
        let curves = curves.clone();
        Signal::derive(move || {
            let l = lang.get();
            curves
                .iter()
                .map(|c| {
                    let mid = c
                        .points
                        .iter()
                        .min_by(|a, b| (a.0 - 0.2).abs().total_cmp(&(b.0 - 0.2).abs()));
                    match mid {
                        Some(p) => format!(
                            "{} : {} → {}",
                            c.name,
                            NumFmt::Pct.full(l, p.0),
                            NumFmt::Pct.full(l, p.1)
                        ),
                        None => c.name.clone(),
                    }
                })
                .collect()
        })
    };
    let table = {
        let curves = curves.clone();
        Signal::derive(move || {
            let head = vec![
                lang.get().charts().series.to_string(),
                x_title.get(),
                y_title.get(),
            ];
            let rows = curves
                .iter()
                .flat_map(|c| {
                    c.points
                        .iter()
                        .map(|p| vec![c.name.clone(), format!("{}", p.0), format!("{}", p.1)])
                })
                .collect();
            (head, rows)
        })
    };
    let lines = curves
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let d: String = c
                .points
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    format!(
                        "{}{:.1},{:.1}",
                        if k == 0 { "M" } else { "L" },
                        x.map(p.0),
                        y.map(p.1)
                    )
                })
                .collect();
            let active = f.is(i);
            let set = f.active;
            view! {
                <path
                    class="line mark"
                    class:active=move || active.get()
                    data-i=i
                    d=d
                    stroke=c.colour
                    on:mouseenter=move |_| set.set(Some(i))
                ></path>
            }
        })
        .collect_view();
    let colours: Vec<&'static str> = curves.iter().map(|c| c.colour).collect();
    let points = move || {
        marks.map(|m| {
            m.get()
                .into_iter()
                .enumerate()
                .map(|(i, (px, py))| {
                    view! {
                        <circle cx=x.map(px) cy=y.map(py) r="5" fill="#ffffff" stroke=colours.get(i).copied().unwrap_or("#000") stroke-width="2.5"></circle>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <ChartBox id title note=note.unwrap_or_default() width height items focus=f table lang>
            {y_axis(y, 5, NumFmt::Pct, left, right, lang)}
            {x_axis(x, 5, NumFmt::Pct, top, bottom, lang)}
            <line class="domain" x1=x.map(0.0) y1=y.map(0.0) x2=x.map(1.0) y2=y.map(1.0) stroke-dasharray="4 4"></line>
            {lines}
            {points}
            {legend(curves.iter().map(|c| (c.name.clone(), c.colour)).collect(), width - 8.0, 14.0)}
            {axis_title(y_title, 14.0, (top + bottom) / 2.0, true)}
            {axis_title(x_title, (left + right) / 2.0, height - 8.0, false)}
        </ChartBox>
    }
}

/// A rectangle of the treemap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tile {
    pub index: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Squarified treemap (Bruls, Huizing & van Wijk 2000): rows of tiles laid along the shorter
/// side, a tile joining the row while the row's worst aspect ratio improves. Zero values get
/// no tile.
pub fn squarify(values: &[f64], x: f64, y: f64, w: f64, h: f64) -> Vec<Tile> {
    let order: Vec<usize> = crate::charts::order_desc(values)
        .into_iter()
        .filter(|&i| values[i] > 0.0)
        .collect();
    let total: f64 = order.iter().map(|&i| values[i]).sum();
    let mut out = Vec::new();
    if total <= 0.0 {
        return out;
    }
    let scale = w * h / total;
    let (mut x, mut y, mut w, mut h) = (x, y, w, h);
    let mut rest: &[usize] = &order;
    while !rest.is_empty() {
        let side = w.min(h);
        let worst = |row: &[usize]| {
            let s: f64 = row.iter().map(|&i| values[i] * scale).sum();
            let (mx, mn) = row.iter().fold((0.0f64, f64::INFINITY), |(mx, mn), &i| {
                let a = values[i] * scale;
                (mx.max(a), mn.min(a))
            });
            let s2 = s * s;
            let side2 = side * side;
            (side2 * mx / s2).max(s2 / (side2 * mn))
        };
        let mut k = 1;
        while k < rest.len() && worst(&rest[..k + 1]) <= worst(&rest[..k]) {
            k += 1;
        }
        let row = &rest[..k];
        let area: f64 = row.iter().map(|&i| values[i] * scale).sum();
        let thick = area / side;
        let mut offset = 0.0;
        for &i in row {
            let len = values[i] * scale / thick;
            if w >= h {
                // A column on the left.
                out.push(Tile {
                    index: i,
                    x,
                    y: y + offset,
                    w: thick,
                    h: len,
                });
            } else {
                out.push(Tile {
                    index: i,
                    x: x + offset,
                    y,
                    w: len,
                    h: thick,
                });
            }
            offset += len;
        }
        if w >= h {
            x += thick;
            w -= thick;
        } else {
            y += thick;
            h -= thick;
        }
        rest = &rest[k..];
    }
    out
}

#[component]
pub fn Treemap(
    id: String,
    title: Signal<String>,
    #[prop(optional, into)] note: Option<Signal<String>>,
    labels: Vec<String>,
    values: Vec<f64>,
    colours: Vec<&'static str>,
    fmt: NumFmt,
    lang: Signal<Lang>,
    #[prop(default = 640.0)] width: f64,
    #[prop(default = 300.0)] height: f64,
) -> impl IntoView {
    let f = focus();
    let total: f64 = values.iter().filter(|v| **v > 0.0).sum();
    let tiles = squarify(&values, 0.0, 0.0, width, height);
    let items = {
        let (labels, values) = (labels.clone(), values.clone());
        let tiles = tiles.clone();
        Signal::derive(move || {
            let l = lang.get();
            tiles
                .iter()
                .map(|t| {
                    format!(
                        "{} : {} ({})",
                        labels[t.index],
                        fmt.full(l, values[t.index]),
                        l.pct(values[t.index] / total.max(1e-12))
                    )
                })
                .collect()
        })
    };
    let table = {
        let (labels, values) = (labels.clone(), values.clone());
        Signal::derive(move || {
            let head = vec![
                lang.get().charts().series.to_string(),
                lang.get().charts().value.to_string(),
            ];
            let rows = labels
                .iter()
                .zip(&values)
                .map(|(l, v)| vec![l.clone(), format!("{v}")])
                .collect();
            (head, rows)
        })
    };
    let rects = tiles
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let active = f.is(k);
            let set = f.active;
            let label = labels[t.index].clone();
            let v = values[t.index];
            let fits = t.w > text_width(&label) + 10.0 && t.h > 34.0;
            view! {
                <g>
                    <rect
                        class="mark"
                        class:active=move || active.get()
                        data-i=k
                        x=t.x + 1.0
                        y=t.y + 1.0
                        width=(t.w - 2.0).max(0.0)
                        height=(t.h - 2.0).max(0.0)
                        rx="4"
                        fill=colours.get(t.index).copied().unwrap_or("#94a3b8")
                        on:mouseenter=move |_| set.set(Some(k))
                    ></rect>
                    {fits.then(|| view! {
                        <text x=t.x + 8.0 y=t.y + 18.0 style="fill:#ffffff;font-weight:600" pointer-events="none">{label}</text>
                        <text x=t.x + 8.0 y=t.y + 32.0 style="fill:#ffffff" pointer-events="none">
                            {move || lang.get().pct(v / total.max(1e-12))}
                        </text>
                    })}
                </g>
            }
        })
        .collect_view();
    view! {
        <ChartBox id title note=note.unwrap_or_default() width height items focus=f table lang>
            {rects}
        </ChartBox>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squarified_tiles_cover_the_area_in_proportion() {
        // The example of Bruls et al.: 6, 6, 4, 3, 2, 2, 1 in a 6 × 4 rectangle.
        let v = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let tiles = squarify(&v, 0.0, 0.0, 6.0, 4.0);
        assert_eq!(tiles.len(), 7);
        for t in &tiles {
            assert!((t.w * t.h - v[t.index]).abs() < 1e-9, "{t:?}");
            assert!(
                t.x >= -1e-9 && t.y >= -1e-9 && t.x + t.w <= 6.0 + 1e-9 && t.y + t.h <= 4.0 + 1e-9
            );
        }
        // Their first row: the two 6s side by side in a column of width 3.
        assert!((tiles[0].w - 3.0).abs() < 1e-9 && (tiles[1].w - 3.0).abs() < 1e-9);
        assert!(squarify(&[0.0, 0.0], 0.0, 0.0, 1.0, 1.0).is_empty());
    }
}
