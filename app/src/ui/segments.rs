//! Segments: `/segments?x=recency&y=monetary`, `data-page="segments"`.
//!
//! The 11 named RFM segments (size, revenue, means, what to do), the R×F grid, how customers
//! moved between segments since the earlier snapshot, and the k-means clusters: the curves
//! that justify k, each cluster's profile and a scatter of a sample coloured by cluster.

use leptos::prelude::*;
use leptos_router::hooks::query_signal;
use prisme_core::segment::Segment;

use crate::charts::{BarChart, HeatMatrix, LineChart, NumFmt, Scatter, Series, Treemap};
use crate::store::use_app;
use crate::ui::widgets::{Picker, Section, SmallTable, Unavailable};

/// One colour per segment, from thriving (greens, blues) to leaving (oranges, greys).
pub fn segment_colour(s: Segment) -> &'static str {
    match s {
        Segment::Champions => "#007a5a",
        Segment::Loyal => "#009E73",
        Segment::PotentialLoyalists => "#0072B2",
        Segment::New => "#56B4E9",
        Segment::Promising => "#4c9ed9",
        Segment::NeedAttention => "#b08a00",
        Segment::AboutToSleep => "#E69F00",
        Segment::AtRisk => "#D55E00",
        Segment::CantLoseThem => "#a63d00",
        Segment::Hibernating => "#8c8c8c",
        Segment::Lost => "#5f5f5f",
    }
}

#[component]
pub fn SegmentsPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let s = move || lang.get().seg();

    let segments = move || {
        let l = lang.get();
        let rfm = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.rfm.clone()))?;
        let head = Signal::derive(move || {
            let t = lang.get().seg();
            vec![
                t.segment.to_string(),
                t.customers.to_string(),
                t.share.to_string(),
                t.revenue_share.to_string(),
                t.mean_recency.to_string(),
                t.mean_frequency.to_string(),
                t.mean_monetary.to_string(),
                t.action.to_string(),
            ]
        });
        let list = rfm.segments.clone();
        let list2 = list.clone();
        let rows = Signal::derive(move || {
            let l = lang.get();
            list.iter()
                .map(|x| {
                    vec![
                        l.segment(x.segment).to_string(),
                        l.int(x.customers),
                        l.pct(x.share),
                        l.pct(x.revenue_share),
                        x.mean_recency.map_or("–".into(), |v| l.days(v)),
                        x.mean_frequency.map_or("–".into(), |v| l.dec(v, 1)),
                        x.mean_monetary.map_or("–".into(), |v| l.money(v)),
                        l.seg().action(x.segment).to_string(),
                    ]
                })
                .collect()
        });
        let raw = Signal::derive(move || {
            let l = lang.get();
            list2
                .iter()
                .map(|x| {
                    vec![
                        x.segment.key().to_string(),
                        x.customers.to_string(),
                        x.share.to_string(),
                        x.revenue_share.to_string(),
                        x.mean_recency.map_or(String::new(), |v| v.to_string()),
                        x.mean_frequency.map_or(String::new(), |v| v.to_string()),
                        x.mean_monetary.map_or(String::new(), |v| v.to_string()),
                        l.seg().action(x.segment).to_string(),
                    ]
                })
                .collect()
        });
        let labels: Vec<String> = rfm
            .segments
            .iter()
            .map(|x| l.segment(x.segment).to_string())
            .collect();
        let counts: Vec<f64> = rfm.segments.iter().map(|x| x.customers as f64).collect();
        let revenue: Vec<f64> = rfm.segments.iter().map(|x| x.revenue_share).collect();
        let share: Vec<f64> = rfm.segments.iter().map(|x| x.share).collect();
        let colours: Vec<&'static str> = rfm
            .segments
            .iter()
            .map(|x| segment_colour(x.segment))
            .collect();
        Some(view! {
            <div class="two-col">
                <Treemap
                    id="segments-treemap".to_string()
                    title=Signal::derive(move || lang.get().seg().treemap_title.to_string())
                    note=Signal::derive(move || lang.get().seg().treemap_note.to_string())
                    labels=labels.clone()
                    values=counts
                    colours=colours
                    fmt=NumFmt::Int
                    lang=lang.into()
                    width=560.0
                    height=320.0
                />
                <BarChart
                    id="segments-share".to_string()
                    title=Signal::derive(move || lang.get().seg().share_title.to_string())
                    labels=labels
                    series=vec![
                        Series::new(l.seg().share, share, 4),
                        Series::new(l.seg().revenue_share, revenue, 1),
                    ]
                    horizontal=true
                    fmt=NumFmt::Pct
                    lang=lang.into()
                    width=560.0
                    label_title=Signal::derive(move || lang.get().seg().segment.to_string())
                />
            </div>
            <SmallTable
                id="segments-table"
                caption=Signal::derive(move || lang.get().seg().table_title.to_string())
                head=head
                rows=rows
                raw=raw
                numeric=vec![1, 2, 3, 4, 5, 6]
                lang=lang.into()
            />
        })
    };

    let grid = move || {
        let rfm = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.rfm.clone()))?;
        let n = rfm.rf_grid.len();
        // R5 (most recent) on top.
        let rows: Vec<String> = (1..=n).rev().map(|r| format!("R{r}")).collect();
        let cols: Vec<String> = (1..=n).map(|f| format!("F{f}")).collect();
        let values: Vec<Vec<Option<f64>>> = (0..n)
            .rev()
            .map(|r| rfm.rf_grid[r].iter().map(|&c| Some(c as f64)).collect())
            .collect();
        Some(view! {
            <HeatMatrix
                id="rf-grid".to_string()
                title=Signal::derive(move || lang.get().texts().heatmap_title.to_string())
                note=Signal::derive(move || lang.get().texts().heatmap_sub.to_string())
                rows=rows
                cols=cols
                values=values
                fmt=NumFmt::Int
                lang=lang.into()
                width=520.0
                cell_height=56.0
                row_title=Signal::derive(move || lang.get().texts().recency_axis.to_string())
                col_title=Signal::derive(move || lang.get().texts().frequency_axis.to_string())
            />
        })
    };

    let migration = move || {
        let l = lang.get();
        let m = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.rfm.as_ref()?.migration.clone()))?;
        let names: Vec<String> = m
            .segments
            .iter()
            .map(|s| l.segment(*s).to_string())
            .collect();
        let mut values: Vec<Vec<Option<f64>>> = m
            .matrix
            .iter()
            .map(|row| row.iter().map(|&c| Some(c as f64)).collect())
            .collect();
        let mut rows = names.clone();
        rows.push(l.seg().new_customers.to_string());
        values.push(m.new.iter().map(|&c| Some(c as f64)).collect());
        let from = prisme_core::ingest::date::format_days(m.from_snapshot);
        let to = prisme_core::ingest::date::format_days(m.to_snapshot);
        let stable = m.stable_share;
        Some(view! {
            <p class="lead" data-testid="migration-stable" data-value=stable.to_string()>
                {move || {
                    let l = lang.get();
                    l.seg().migration_sentence(&l.date(&from), &l.date(&to), &l.pct(stable))
                }}
            </p>
            <HeatMatrix
                id="migration".to_string()
                title=Signal::derive(move || lang.get().seg().migration_title.to_string())
                note=Signal::derive(move || lang.get().seg().migration_note.to_string())
                rows=rows
                cols=names
                values=values
                fmt=NumFmt::Int
                lang=lang.into()
                width=1000.0
                cell_height=30.0
                row_title=Signal::derive(move || lang.get().seg().before.to_string())
                col_title=Signal::derive(move || lang.get().seg().after.to_string())
            />
        })
    };

    let (x_q, set_x) = query_signal::<String>("x");
    let (y_q, set_y) = query_signal::<String>("y");
    let clusters = move || {
        let l = lang.get();
        let c = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.clusters.clone()))?;
        let ks: Vec<String> = c.candidates.iter().map(|k| k.k.to_string()).collect();
        let inertia: Vec<f64> = c.candidates.iter().map(|k| k.inertia).collect();
        let silhouette: Vec<f64> = c.candidates.iter().map(|k| k.silhouette).collect();
        let head_features = c.features.clone();
        let head = Signal::derive(move || {
            let t = lang.get().seg();
            let mut h = vec![
                t.cluster.to_string(),
                t.customers.to_string(),
                t.share.to_string(),
            ];
            h.extend(head_features.iter().map(|f| lang.get().column_title(f)));
            h
        });
        let profiles = c.clusters.clone();
        let profiles2 = c.clusters.clone();
        let features = c.features.clone();
        let features2 = c.features.clone();
        let rows = Signal::derive(move || {
            let l = lang.get();
            profiles
                .iter()
                .map(|p| {
                    let mut r = vec![
                        l.seg().cluster_name(p.label),
                        l.int(p.size as u64),
                        l.pct(p.share),
                    ];
                    r.extend(
                        p.means
                            .iter()
                            .zip(&features)
                            .map(|(m, f)| match f.as_str() {
                                "monetary" => l.money(*m),
                                "recency" => l.days(*m),
                                _ => l.dec(*m, 1),
                            }),
                    );
                    r
                })
                .collect()
        });
        let raw = Signal::derive(move || {
            profiles2
                .iter()
                .map(|p| {
                    let mut r = vec![p.label.to_string(), p.size.to_string(), p.share.to_string()];
                    r.extend(p.means.iter().map(|m| m.to_string()));
                    r
                })
                .collect()
        });
        let numeric: Vec<usize> = (1..3 + features2.len()).collect();
        let k = c.k;
        Some(view! {
            <p class="lead" data-testid="cluster-k" data-value=k>
                {move || lang.get().seg().k_sentence(k, c.silhouette)}
            </p>
            <div class="two-col">
                <LineChart
                    id="elbow".to_string()
                    title=Signal::derive(move || lang.get().seg().elbow_title.to_string())
                    note=Signal::derive(move || lang.get().seg().elbow_note.to_string())
                    labels=ks.clone()
                    series=vec![Series::new(l.seg().inertia, inertia, 0)]
                    fmt=NumFmt::Dec(0)
                    lang=lang.into()
                    width=520.0
                    height=240.0
                    dots=true
                    label_title=Signal::derive(move || "k".to_string())
                />
                <LineChart
                    id="silhouette".to_string()
                    title=Signal::derive(move || lang.get().seg().silhouette_title.to_string())
                    note=Signal::derive(move || lang.get().seg().silhouette_note.to_string())
                    labels=ks
                    series=vec![Series::new(l.seg().silhouette, silhouette, 2)]
                    fmt=NumFmt::Dec(2)
                    lang=lang.into()
                    width=520.0
                    height=240.0
                    zero=false
                    dots=true
                    label_title=Signal::derive(move || "k".to_string())
                />
            </div>
            <SmallTable
                id="cluster-profiles"
                caption=Signal::derive(move || lang.get().seg().profiles_title.to_string())
                head=head
                rows=rows
                raw=raw
                numeric=numeric
                lang=lang.into()
            />
        })
    };

    let scatter = move || {
        let l = lang.get();
        let s = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.charts.scatter.clone()))?;
        let k = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.clusters.as_ref().map(|c| c.k)))?;
        let pick = |q: Option<String>, default: &str| {
            let f = q.unwrap_or_else(|| default.to_string());
            s.features.iter().position(|x| *x == f).unwrap_or(0)
        };
        let xi = pick(x_q.get(), "recency");
        let yi = pick(y_q.get(), "monetary");
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let mut groups = Vec::new();
        for (p, c) in s.points.iter().zip(&s.clusters) {
            if let (Some(x), Some(y), Some(c)) = (p[xi], p[yi], c) {
                xs.push(x);
                ys.push(y);
                groups.push(*c as usize);
            }
        }
        let names: Vec<String> = (0..k as u32).map(|i| l.seg().cluster_name(i)).collect();
        let fmt = |f: &str| match f {
            "monetary" | "clv" => NumFmt::Money,
            "p_alive" => NumFmt::Pct,
            "recency" => NumFmt::Days,
            _ => NumFmt::Int,
        };
        let (fx, fy) = (s.features[xi].clone(), s.features[yi].clone());
        let (fx2, fy2) = (fx.clone(), fy.clone());
        let population = s.population;
        let n = xs.len();
        Some(view! {
            <Scatter
                id="cluster-scatter".to_string()
                title=Signal::derive(move || lang.get().seg().scatter_title.to_string())
                note=Signal::derive(move || {
                    let l = lang.get();
                    l.seg().scatter_note(&l.int(n as u64), &l.int(population as u64))
                })
                xs=xs
                ys=ys
                groups=groups
                group_names=names
                x_fmt=fmt(&fx)
                y_fmt=fmt(&fy)
                lang=lang.into()
                x_title=Signal::derive(move || lang.get().column_title(&fx2))
                y_title=Signal::derive(move || lang.get().column_title(&fy2))
                width=1000.0
                height=400.0
            />
        })
    };
    let feature_options = Signal::derive(move || {
        let l = lang.get();
        app.report.with(|r| {
            r.as_ref()
                .and_then(|r| r.charts.scatter.as_ref())
                .map(|s| {
                    s.features
                        .iter()
                        .map(|f| (f.clone(), l.column_title(f)))
                        .collect()
                })
                .unwrap_or_default()
        })
    });

    view! {
        <Section title=Signal::derive(move || s().segments_title.to_string()) intro=Signal::derive(move || s().segments_intro.to_string()) id="segments">
            {segments}
        </Section>
        <div class="two-col">
            <Section title=Signal::derive(move || s().grid_title.to_string()) intro=Signal::derive(move || s().grid_intro.to_string()) id="rf-grid">
                {grid}
            </Section>
            <Section title=Signal::derive(move || s().rules_title.to_string()) id="rules">
                <ul class="rules">
                    {move || {
                        let l = lang.get();
                        Segment::ALL
                            .iter()
                            .map(|&seg| {
                                view! {
                                    <li>
                                        <span class="swatch" style=format!("background:{}", segment_colour(seg))></span>
                                        <strong>{l.segment(seg)}</strong>
                                        " — "
                                        {l.seg().action(seg)}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Section>
        </div>
        <Section title=Signal::derive(move || s().migration_section.to_string()) intro=Signal::derive(move || s().migration_intro.to_string()) id="migration">
            {move || match migration() {
                Some(v) => v.into_any(),
                None => view! { <Unavailable/> }.into_any(),
            }}
        </Section>
        <Section title=Signal::derive(move || s().clusters_title.to_string()) intro=Signal::derive(move || s().clusters_intro.to_string()) id="clusters">
            {clusters}
            <div class="filters no-print">
                <Picker
                    label=Signal::derive(move || s().x_axis.to_string())
                    options=feature_options
                    value=Signal::derive(move || x_q.get().unwrap_or_else(|| "recency".into()))
                    on_pick=move |v| set_x.set(Some(v))
                    testid="scatter-x"
                />
                <Picker
                    label=Signal::derive(move || s().y_axis.to_string())
                    options=feature_options
                    value=Signal::derive(move || y_q.get().unwrap_or_else(|| "monetary".into()))
                    on_pick=move |v| set_y.set(Some(v))
                    testid="scatter-y"
                />
            </div>
            {scatter}
        </Section>
    }
}
