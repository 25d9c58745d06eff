//! The report as a document: what a saved report shows, what its HTML export and its
//! printout hold. It draws from the kept `report.json` alone (the chosen pages' aggregates,
//! [`Report::keep_pages`]), with the same chart kit as the pages, so that a report opened
//! without the data, or exported as HTML with no script, shows the figures and charts the
//! workbench showed.

use std::sync::Arc;

use leptos::prelude::*;
use prisme_core::analysis::Report;
use prisme_core::churn::ModelKind;

use crate::charts::{BarChart, Curves, HeatMatrix, Histogram, LineChart, NumFmt, Series};
use crate::export;
use crate::i18n::Lang;
use crate::persist::SavedReport;
use crate::ui::dashboard::Measure;
pub(crate) use crate::ui::widgets::day;

/// One headline figure of a report, for the document and the comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Figure {
    key: String,
    label: String,
    value: Option<f64>,
    fmt: NumFmt,
}

pub(crate) fn figures(r: &Report, l: Lang) -> Vec<Figure> {
    let t = l.rep();
    let mut out = Vec::new();
    let mut push = |key: String, label: String, value: Option<f64>, fmt: NumFmt| {
        out.push(Figure {
            key,
            label,
            value,
            fmt,
        })
    };
    if let Some(rfm) = &r.rfm {
        push(
            "customers".into(),
            t.customers.into(),
            Some(rfm.customers as f64),
            NumFmt::Int,
        );
    }
    if let Some(p) = r.indicators.as_ref().and_then(|i| i.total.last()) {
        for m in Measure::ALL {
            if let Some(v) = m.value(p) {
                push(
                    m.key().into(),
                    format!("{} ({})", l.wb().measure(m), l.period(&p.label)),
                    Some(v),
                    m.fmt(),
                );
            }
        }
    }
    let clv_total: Option<f64> = {
        let v: Vec<f64> = r
            .charts
            .by_segment
            .iter()
            .filter_map(|s| s.clv_total)
            .collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    if clv_total.is_some() {
        push(
            "clv_total".into(),
            t.total_clv.into(),
            clv_total,
            NumFmt::Money,
        );
    }
    if let Some(c) = &r.churn {
        let auc = match c.result.chosen {
            ModelKind::Logistic => c.result.logistic.evaluation.auc,
            ModelKind::Gbt => c.result.gbt.evaluation.auc,
        };
        push("auc".into(), t.auc.into(), auc, NumFmt::Dec(3));
    }
    if let Some(rfm) = &r.rfm {
        for s in &rfm.segments {
            push(
                format!("segment:{}", s.label),
                format!("{} — {}", t.segments, l.segment(s.segment)),
                Some(s.customers as f64),
                NumFmt::Int,
            );
        }
    }
    out
}

/// The report as a document: what the HTML export and the printout hold.
#[component]
pub fn ReportDocument(
    saved: SavedReport,
    report: Arc<Report>,
    other: Option<(SavedReport, Arc<Report>)>,
    lang: Lang,
) -> impl IntoView {
    let l = lang;
    let t = l.rep();
    let figs = figures(&report, l);
    let lang_signal = Signal::derive(move || l);
    // Chart ids are unique in the page: a report may be open beside the workbench's charts.
    let cid = |name: &str| format!("report-{}-{name}", saved.id);
    let inputs = report
        .inputs
        .iter()
        .map(|i| {
            let sha = i.sha256.clone().unwrap_or_default();
            view! {
                <tr>
                    <td>{i.file.clone()}</td>
                    <td>{i.kind.clone()}</td>
                    <td class="num">{l.int(i.rows as u64)}</td>
                    <td class="num">{l.int(i.customers as u64)}</td>
                    <td class="num">{i.bytes.map(|b| l.megabytes(b as f64)).unwrap_or_default()}</td>
                    <td><code title=sha.clone()>{sha.chars().take(16).collect::<String>()}</code></td>
                </tr>
            }
        })
        .collect_view();
    let mut settings: Vec<(&str, String)> = Vec::new();
    if let Some(rfm) = &report.rfm {
        settings.push((t.snapshot, l.date(&rfm.snapshot)));
    }
    if let Some(ind) = &report.indicators {
        settings.push((t.period, l.period_name(ind.period).to_string()));
    }
    if let Some(clv) = &report.clv {
        settings.push((
            t.horizon,
            if clv.discount_rate > 0.0 {
                format!(
                    "{} {} · {} %",
                    clv.horizon,
                    l.time_unit(clv.time_unit),
                    l.dec(clv.discount_rate * 100.0, 2)
                )
            } else {
                format!("{} {}", clv.horizon, l.time_unit(clv.time_unit))
            },
        ));
    }
    if report.churn.as_ref().is_some_and(|c| c.window.is_some()) {
        settings.push((
            t.churn_window,
            l.days(f64::from(report.params.churn_window_days)),
        ));
    }
    let pages = report
        .pages()
        .into_iter()
        .map(|p| l.rep().page(p))
        .collect::<Vec<_>>()
        .join(", ");
    settings.push((t.pages, pages));
    let settings = settings
        .into_iter()
        .map(|(k, v)| view! { <tr><th>{k}</th><td>{v}</td></tr> })
        .collect_view();
    let headline = figs
        .iter()
        .filter(|f| !f.key.starts_with("segment:"))
        .map(|f| {
            view! {
                <div class="fig" data-fig=f.key.clone() data-value=f.value.map(|v| v.to_string())>
                    <div class="label">{f.label.clone()}</div>
                    <div class="value">{f.value.map(|v| f.fmt.full(l, v)).unwrap_or_else(|| "–".into())}</div>
                </div>
            }
        })
        .collect_view();

    let dashboard = report.indicators.as_ref().map(|ind| {
        let labels: Vec<String> = ind.total.iter().map(|p| l.period(&p.label)).collect();
        let charts = [Measure::Revenue, Measure::Active]
            .into_iter()
            .map(|m| {
                let values: Vec<f64> = ind
                    .total
                    .iter()
                    .map(|p| m.value(p).unwrap_or(f64::NAN))
                    .collect();
                view! {
                    <LineChart
                        id=cid(m.key())
                        title=Signal::derive(move || l.wb().measure(m).to_string())
                        labels=labels.clone()
                        series=vec![Series::new(l.wb().measure(m), values, 0)]
                        fmt=m.fmt()
                        lang=lang_signal
                        width=480.0
                        height=220.0
                        label_title=Signal::derive(move || l.wb().period_axis.to_string())
                    />
                }
            })
            .collect_view();
        view! {
            <section class="report-section" data-report-page="dashboard">
                <h2>{l.rep().page(prisme_core::analysis::ReportPage::Dashboard)}</h2>
                <div class="two-col">{charts}</div>
            </section>
        }
    });

    let segments = report.rfm.as_ref().map(|rfm| {
        let labels: Vec<String> = rfm
            .segments
            .iter()
            .map(|s| l.segment(s.segment).to_string())
            .collect();
        let values: Vec<f64> = rfm.segments.iter().map(|s| s.customers as f64).collect();
        let rows = rfm
            .segments
            .iter()
            .map(|s| {
                view! {
                    <tr data-segment=s.label.clone() data-customers=s.customers>
                        <td>{l.segment(s.segment)}</td>
                        <td class="num">{l.int(s.customers)}</td>
                        <td class="num">{l.pct(s.share)}</td>
                        <td class="num">{l.pct(s.revenue_share)}</td>
                        <td>{l.seg().action(s.segment)}</td>
                    </tr>
                }
            })
            .collect_view();
        let n = rfm.rf_grid.len();
        // R5 (most recent) on top, as on the Segments page.
        let grid_rows: Vec<String> = (1..=n).rev().map(|r| format!("R{r}")).collect();
        let grid_cols: Vec<String> = (1..=n).map(|f| format!("F{f}")).collect();
        let grid: Vec<Vec<Option<f64>>> = (0..n)
            .rev()
            .map(|r| rfm.rf_grid[r].iter().map(|&c| Some(c as f64)).collect())
            .collect();
        view! {
            <section class="report-section" data-report-page="segments">
                <h2>{t.segments}</h2>
                <div class="two-col">
                    <BarChart
                        id=cid("segments")
                        title=Signal::derive(move || l.rep().segments.to_string())
                        labels=labels
                        series=vec![Series::new(l.rep().col_customers, values, 0)]
                        horizontal=true
                        fmt=NumFmt::Int
                        lang=lang_signal
                        width=480.0
                    />
                    <HeatMatrix
                        id=cid("rf-grid")
                        title=Signal::derive(move || l.texts().heatmap_title.to_string())
                        rows=grid_rows
                        cols=grid_cols
                        values=grid
                        fmt=NumFmt::Int
                        lang=lang_signal
                        width=440.0
                        cell_height=44.0
                        row_title=Signal::derive(move || l.texts().recency_axis.to_string())
                        col_title=Signal::derive(move || l.texts().frequency_axis.to_string())
                    />
                </div>
                <table>
                    <thead>
                        <tr>
                            <th>{t.segments}</th>
                            <th class="num">{t.col_customers}</th>
                            <th class="num">{t.share}</th>
                            <th class="num">{t.revenue_share}</th>
                            <th>{t.action}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });

    // French puts a (narrow) space before a colon.
    let colon = match l {
        Lang::Fr => "\u{202f}:",
        Lang::En => ":",
    };
    let value = report.clv.as_ref().map(|clv| {
        let b = &clv.bgnbd;
        let histogram = report.charts.clv.clone().map(|h| {
            view! {
                <Histogram
                    id=cid("clv")
                    title=Signal::derive(move || l.val().distribution_title(l.val().clv))
                    edges=h.edges
                    counts=h.counts
                    x_fmt=NumFmt::Money
                    lang=lang_signal
                    width=480.0
                    height=240.0
                    x_title=Signal::derive(move || l.val().clv.to_string())
                    y_title=Signal::derive(move || l.rep().col_customers.to_string())
                />
            }
        });
        let by_segment: Vec<(String, f64)> = report
            .charts
            .by_segment
            .iter()
            .filter_map(|s| Some((l.segment(s.segment).to_string(), s.clv_total?)))
            .collect();
        let by_segment = (!by_segment.is_empty()).then(|| {
            let (labels, totals): (Vec<String>, Vec<f64>) = by_segment.into_iter().unzip();
            view! {
                <BarChart
                    id=cid("clv-by-segment")
                    title=Signal::derive(move || l.val().by_segment_title.to_string())
                    labels=labels
                    series=vec![Series::new(l.val().total_clv, totals, 0)]
                    horizontal=true
                    fmt=NumFmt::Money
                    lang=lang_signal
                    width=480.0
                />
            }
        });
        view! {
            <section class="report-section" data-report-page="value">
                <h2>{t.value}</h2>
                <p class="note">
                    {format!("BG/NBD{colon} r = {}, α = {}, a = {}, b = {}", l.dec(b.r, 4), l.dec(b.alpha, 4), l.dec(b.a, 4), l.dec(b.b, 4))}
                    {clv.gamma_gamma.as_ref().map(|g| format!(" · Gamma-Gamma{colon} p = {}, q = {}, v = {}", l.dec(g.p, 4), l.dec(g.q, 4), l.dec(g.v, 4)))}
                </p>
                <div class="two-col">{histogram}{by_segment}</div>
            </section>
        }
    });

    let attrition = report.churn.as_ref().map(|c| {
        let r = &c.result;
        let auc = |a: Option<f64>| a.map(|v| l.dec(v, 3)).unwrap_or_else(|| "–".into());
        let curves = crate::ui::attrition::roc_curves(r, l);
        let (deciles, lifts) = crate::ui::attrition::lift_by_decile(r);
        view! {
            <section class="report-section" data-report-page="attrition">
                <h2>{t.attrition}</h2>
                <p class="note" data-testid="report-churn">
                    {format!(
                        "{} · AUC {} = {} · AUC {} = {}",
                        l.att().model(r.chosen),
                        l.att().model(ModelKind::Logistic),
                        auc(r.logistic.evaluation.auc),
                        l.att().model(ModelKind::Gbt),
                        auc(r.gbt.evaluation.auc),
                    )}
                </p>
                <div class="two-col">
                    <Curves
                        id=cid("roc")
                        title=Signal::derive(move || l.att().roc_title.to_string())
                        curves=curves
                        lang=lang_signal
                        x_title=Signal::derive(move || l.att().fpr.to_string())
                        y_title=Signal::derive(move || l.att().tpr.to_string())
                        width=400.0
                        height=340.0
                    />
                    <BarChart
                        id=cid("lift")
                        title=Signal::derive(move || l.att().lift_title.to_string())
                        labels=deciles
                        series=vec![Series::new(l.att().lift, lifts, 1)]
                        fmt=NumFmt::Dec(2)
                        lang=lang_signal
                        width=420.0
                        height=340.0
                        label_title=Signal::derive(move || l.att().decile.to_string())
                    />
                </div>
            </section>
        }
    });

    let cohorts = report.cohorts.as_ref().map(|co| {
        // The latest cohorts, as many as the Cohorts page shows.
        let list: Vec<_> = co
            .cohorts
            .iter()
            .rev()
            .take(crate::ui::cohorts::MAX_ROWS)
            .rev()
            .collect();
        let rows: Vec<String> = list.iter().map(|k| l.period(&k.label)).collect();
        let cols: Vec<String> = (0..co.offsets).map(|o| format!("+{o}")).collect();
        let retention: Vec<Vec<Option<f64>>> = list
            .iter()
            .map(|k| {
                (0..co.offsets)
                    .map(|o| k.retention.get(o).copied())
                    .collect()
            })
            .collect();
        // Offset 0 is 100 % by definition: the colours spread over the later offsets.
        let later_max = list
            .iter()
            .flat_map(|k| k.retention.iter().skip(1).copied())
            .fold(0.0, f64::max);
        let width = (180.0 + 40.0 * co.offsets as f64).clamp(640.0, 960.0);
        view! {
            <section class="report-section" data-report-page="cohorts">
                <h2>{l.rep().page(prisme_core::analysis::ReportPage::Cohorts)}</h2>
                <HeatMatrix
                    id=cid("retention")
                    title=Signal::derive(move || l.coh().retention_title.to_string())
                    note=Signal::derive(move || l.coh().retention_note.to_string())
                    rows=rows
                    cols=cols
                    values=retention
                    scale_max=later_max
                    fmt=NumFmt::Pct
                    lang=lang_signal
                    width=width
                    cell_height=20.0
                    row_title=Signal::derive(move || l.coh().cohort.to_string())
                    col_title=Signal::derive(move || l.coh().periods_after.to_string())
                />
            </section>
        }
    });

    let target_list = saved.target_list.clone().map(|list| {
        let file = format!("{}.csv", crate::ui::reports::file_stem(&list.datamart));
        let csv = list.csv.clone();
        view! {
            <section class="report-section" data-report-page="target-list" data-testid="report-target-list" data-customers=list.customers>
                <h2>{t.target_list}</h2>
                <p class="note">
                    {t.target_list_note
                        .replace("{n}", &l.int(list.customers as u64))
                        .replace("{name}", &list.datamart)}
                </p>
                <button class="button ghost" data-action="download-target-list" on:click=move |_| {
                    export::download_text(&file, &csv, "text/csv;charset=utf-8")
                }>
                    {t.download_list}
                </button>
            </section>
        }
    });

    let comparison = other.map(|(o, oreport)| {
        let theirs = figures(&oreport, l);
        let rows = figs
            .iter()
            .map(|f| {
                let b = theirs.iter().find(|x| x.key == f.key).and_then(|x| x.value);
                let change = match (f.value, b) {
                    (Some(a), Some(b)) if b != 0.0 => Some((a - b) / b.abs()),
                    _ => None,
                };
                view! {
                    <tr data-compare=f.key.clone()>
                        <td>{f.label.clone()}</td>
                        <td class="num">{f.value.map(|v| f.fmt.full(l, v)).unwrap_or_else(|| "–".into())}</td>
                        <td class="num">{b.map(|v| f.fmt.full(l, v)).unwrap_or_else(|| "–".into())}</td>
                        <td class="num" data-change=change.map(|c| c.to_string())>{change.map(|c| l.signed_pct(c)).unwrap_or_else(|| "–".into())}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2>{t.comparison}</h2>
            <p class="note">{t.comparison_intro}</p>
            <table data-testid="report-comparison">
                <thead>
                    <tr>
                        <th>{t.figure}</th>
                        <th class="num">{format!("{} v{}", saved.name, saved.version)}</th>
                        <th class="num">{format!("{} v{} · {}", o.name, o.version, day(l, o.saved))}</th>
                        <th class="num">{t.change}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    view! {
        <article class="card section report-doc" data-report-doc=saved.id.clone() data-testid="report-doc">
            <header>
                <h1 class="report-title">{format!("{} ", saved.name)}<span class="version">{format!("v{}", saved.version)}</span></h1>
                <p class="meta">
                    {format!("{} {} · {} {}", t.saved_on, day(l, saved.saved), t.engine, report.engine_version)}
                </p>
                <p class="meta no-export">{t.read_only}</p>
            </header>
            <h2>{t.headline}</h2>
            <div class="figs">{headline}</div>
            {comparison}
            {dashboard}
            {segments}
            {value}
            {attrition}
            {cohorts}
            {target_list}
            <h2>{t.settings}</h2>
            <table class="settings"><tbody>{settings}</tbody></table>
            <h2>{t.inputs}</h2>
            <table>
                <thead>
                    <tr>
                        <th>{t.file}</th>
                        <th>{t.kind}</th>
                        <th class="num">{t.rows}</th>
                        <th class="num">{t.col_customers}</th>
                        <th class="num">{t.size}</th>
                        <th>"SHA-256"</th>
                    </tr>
                </thead>
                <tbody>{inputs}</tbody>
            </table>
            <p class="meta">{t.footer}</p>
        </article>
    }
}
