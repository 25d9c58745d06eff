//! Customer value: `/value?of=clv`, `data-page="value"`.
//!
//! The BG/NBD + Gamma-Gamma results: distributions of P(alive), expected purchases and CLV,
//! value by segment, the top customers, the holdout check (predicted against actual repeat
//! purchases per frequency bucket), and the fitted parameters with what they mean.

use leptos::prelude::*;
use leptos_router::hooks::query_signal;
use prisme_core::clv::Dropout;
use prisme_core::explore::SortBy;

use crate::charts::{BarChart, Histogram, NumFmt, Series};
use crate::store::use_app;
use crate::ui::segments::segment_colour;
use crate::ui::table::CustomerTable;
use crate::ui::widgets::{Picker, Section};

#[component]
pub fn ValuePage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let v = move || lang.get().val();
    let (of_q, set_of) = query_signal::<String>("of");
    let of = move || of_q.get().unwrap_or_else(|| "clv".to_string());

    let summary = move || {
        let l = lang.get();
        let c = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.clv.clone()))?;
        let t = l.val();
        let unit = l.time_unit(c.time_unit);
        let tiles = vec![
            (
                "customers",
                t.customers,
                l.int(c.totals.customers as u64),
                None,
            ),
            (
                "mean_p_alive",
                t.mean_p_alive,
                l.pct(c.totals.mean_p_alive),
                Some(t.mean_p_alive_help),
            ),
            (
                "at_risk",
                t.at_risk,
                l.int(c.totals.at_risk as u64),
                Some(t.at_risk_help),
            ),
            (
                "expected_purchases",
                t.expected_purchases,
                l.grouped(c.totals.expected_purchases, 0),
                Some(t.expected_help),
            ),
            (
                "clv",
                t.total_clv,
                c.totals.clv.map_or("–".to_string(), |v| l.money(v)),
                Some(t.clv_help),
            ),
        ];
        let horizon = format!("{} {unit}", c.horizon);
        Some(view! {
            <p class="lead">{move || lang.get().val().horizon_sentence(&horizon, c.discount_rate)}</p>
            <div class="kpi-grid small">
                {tiles
                    .into_iter()
                    .map(|(key, name, value, help)| {
                        view! {
                            <article class="kpi-tile" data-kpi=key>
                                <header>
                                    <span class="kpi-name">{name}</span>
                                    {help.map(|h| view! { <crate::ui::widgets::Info text=h.to_string() /> })}
                                </header>
                                <p class="kpi-big">{value}</p>
                            </article>
                        }
                    })
                    .collect_view()}
            </div>
        })
    };

    let params = move || {
        let l = lang.get();
        let c = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.clv.clone()))?;
        let b = &c.bgnbd;
        let t = l.val();
        let unit = l.time_unit(c.time_unit);
        let gg = c.gamma_gamma.as_ref().map(|g| {
            view! {
                <li data-param="gamma-gamma">
                    <strong>"Gamma-Gamma"</strong>
                    {format!(" p = {}, q = {}, v = {} — ", l.dec(g.p, 3), l.dec(g.q, 3), l.dec(g.v, 3))}
                    {t.gg_sentence(&l.money(g.p * g.v / (g.q - 1.0)))}
                </li>
            }
        });
        let skipped = c
            .gamma_gamma_skipped
            .clone()
            .map(|s| view! { <li>{format!("Gamma-Gamma : {s}")}</li> });
        let rate = b.r / b.alpha;
        // A degenerate fit names its limit instead of showing a and b running off to infinity.
        let (kind, fitted, sentence, reason) = match &b.dropout {
            Dropout::Identified => (
                "identified",
                format!(
                    " r = {}, α = {}, a = {}, b = {} — ",
                    l.dec(b.r, 3),
                    l.dec(b.alpha, 3),
                    l.dec(b.a, 3),
                    l.dec(b.b, 3)
                ),
                t.bgnbd_sentence(&l.dec(rate, 3), unit, &l.pct(b.a / (b.a + b.b))),
                None,
            ),
            Dropout::SameForEveryone { p, reason } => (
                "same-for-everyone",
                format!(
                    " r = {}, α = {}, p = {} — ",
                    l.dec(b.r, 3),
                    l.dec(b.alpha, 3),
                    l.dec(*p, 3)
                ),
                t.dropout_same_sentence(&l.dec(rate, 3), unit, &l.pct(*p)),
                Some(reason.clone()),
            ),
            Dropout::NotIdentified { reason } => (
                "not-identified",
                format!(" r = {}, α = {} — ", l.dec(b.r, 3), l.dec(b.alpha, 3)),
                t.no_dropout_sentence(&l.dec(rate, 3), unit),
                Some(reason.clone()),
            ),
        };
        Some(view! {
            <ul class="params" data-testid="clv-params">
                <li
                    data-param="bgnbd"
                    data-dropout=kind
                    data-r=b.r
                    data-alpha=b.alpha
                    data-a=b.a
                    data-b=b.b
                >
                    <strong>"BG/NBD"</strong>
                    {fitted}
                    {sentence}
                    {reason.map(|r| view! { <span class="reason">" (" {r} ")"</span> })}
                </li>
                {gg}
                {skipped}
            </ul>
        })
    };

    let distribution = move || {
        let l = lang.get();
        let which = of();
        let (h, fmt, name) = app.report.with(|r| {
            let r = r.as_ref()?;
            let c = &r.charts;
            match which.as_str() {
                "p_alive" => c.p_alive.clone().map(|h| (h, NumFmt::Pct, l.val().p_alive)),
                "expected_purchases" => c
                    .expected_purchases
                    .clone()
                    .map(|h| (h, NumFmt::Dec(1), l.val().expected_purchases)),
                _ => c.clv.clone().map(|h| (h, NumFmt::Money, l.val().clv)),
            }
        })?;
        let above = h.above;
        let median = h.median;
        let mean = h.mean;
        let p90 = h.p90;
        let name2 = name;
        Some(view! {
            <Histogram
                id=format!("dist-{which}")
                title=Signal::derive(move || lang.get().val().distribution_title(name2))
                note=Signal::derive(move || {
                    let l = lang.get();
                    l.val().distribution_note(&fmt.full(l, median), &fmt.full(l, mean), &fmt.full(l, p90), above)
                })
                edges=h.edges.clone()
                counts=h.counts.clone()
                x_fmt=fmt
                lang=lang.into()
                width=1000.0
                height=280.0
                x_title=Signal::derive(move || name.to_string())
                y_title=Signal::derive(move || lang.get().val().customers.to_string())
            />
        })
    };

    let by_segment = move || {
        let l = lang.get();
        let rows = app
            .report
            .with(|r| r.as_ref().map(|r| r.charts.by_segment.clone()))?;
        if rows.is_empty() || rows.iter().all(|s| s.clv_total.is_none()) {
            return None;
        }
        let labels: Vec<String> = rows
            .iter()
            .map(|s| l.segment(s.segment).to_string())
            .collect();
        let totals: Vec<f64> = rows.iter().map(|s| s.clv_total.unwrap_or(0.0)).collect();
        let means: Vec<f64> = rows
            .iter()
            .map(|s| s.clv_mean.unwrap_or(f64::NAN))
            .collect();
        let _ = segment_colour;
        Some(view! {
            <div class="two-col">
                <BarChart
                    id="clv-by-segment".to_string()
                    title=Signal::derive(move || lang.get().val().by_segment_title.to_string())
                    labels=labels.clone()
                    series=vec![Series::new(l.val().total_clv, totals, 0)]
                    horizontal=true
                    fmt=NumFmt::Money
                    lang=lang.into()
                    width=560.0
                    label_title=Signal::derive(move || lang.get().seg().segment.to_string())
                />
                <BarChart
                    id="clv-mean-by-segment".to_string()
                    title=Signal::derive(move || lang.get().val().mean_by_segment_title.to_string())
                    labels=labels
                    series=vec![Series::new(l.val().mean_clv, means, 2)]
                    horizontal=true
                    fmt=NumFmt::Money
                    lang=lang.into()
                    width=560.0
                    label_title=Signal::derive(move || lang.get().seg().segment.to_string())
                />
            </div>
        })
    };

    let holdout = move || {
        let l = lang.get();
        let h = app
            .report
            .with(|r| r.as_ref().and_then(|r| r.clv.as_ref()?.holdout.clone()));
        let Some(h) = h else {
            return view! { <p class="notice">{move || lang.get().val().no_holdout}</p> }
                .into_any();
        };
        let labels: Vec<String> = h.buckets.iter().map(|b| b.label.clone()).collect();
        let actual: Vec<f64> = h.buckets.iter().map(|b| b.actual_mean).collect();
        let predicted: Vec<f64> = h.buckets.iter().map(|b| b.predicted_mean).collect();
        let from = prisme_core::ingest::date::format_days(h.calibration_end);
        let to = prisme_core::ingest::date::format_days(h.observation_end);
        let (pt, at) = (h.predicted_total, h.actual_total);
        view! {
            <p class="lead" data-testid="holdout" data-predicted=pt data-actual=at>
                {move || {
                    let l = lang.get();
                    l.val().holdout_sentence(&l.date(&from), &l.date(&to), &l.grouped(pt, 0), &l.int(at))
                }}
            </p>
            <BarChart
                id="holdout".to_string()
                title=Signal::derive(move || lang.get().val().holdout_title.to_string())
                note=Signal::derive(move || lang.get().val().holdout_note.to_string())
                labels=labels
                series=vec![
                    Series::new(l.val().actual, actual, 0),
                    Series::new(l.val().predicted, predicted, 1),
                ]
                fmt=NumFmt::Dec(2)
                lang=lang.into()
                width=1000.0
                height=280.0
                label_title=Signal::derive(move || lang.get().val().bucket_axis.to_string())
                value_title=Signal::derive(move || lang.get().val().per_customer_axis.to_string())
            />
        }
        .into_any()
    };

    let measure_options = Signal::derive(move || {
        let t = lang.get().val();
        vec![
            ("clv".to_string(), t.clv.to_string()),
            ("p_alive".to_string(), t.p_alive.to_string()),
            (
                "expected_purchases".to_string(),
                t.expected_purchases.to_string(),
            ),
        ]
    });

    view! {
        {move || match app.report.with(|r| r.as_ref().map(|r| r.clv.is_some())) {
            Some(false) => Some(view! { <p class="notice">{move || lang.get().wb().not_available}</p> }),
            _ => None,
        }}
        <Section title=Signal::derive(move || v().summary_title.to_string()) id="value-summary">
            {summary}
        </Section>
        <Section title=Signal::derive(move || v().distribution_section.to_string()) id="distribution">
            <div class="filters no-print">
                <Picker
                    label=Signal::derive(move || v().measure.to_string())
                    options=measure_options
                    value=Signal::derive(of)
                    on_pick=move |x| set_of.set(Some(x))
                    testid="value-measure"
                />
            </div>
            {distribution}
        </Section>
        <Section title=Signal::derive(move || v().by_segment_section.to_string()) id="by-segment">
            {by_segment}
        </Section>
        <Section title=Signal::derive(move || v().top_title.to_string()) intro=Signal::derive(move || v().top_intro.to_string()) id="top">
            <CustomerTable
                id="top-customers"
                caption=Signal::derive(move || v().top_title.to_string())
                columns=vec!["segment", "frequency", "monetary", "p_alive", "expected_purchases", "clv"]
                filter=Signal::derive(|| None)
                initial_sort=SortBy { column: "clv".into(), descending: true }
            />
        </Section>
        <Section title=Signal::derive(move || v().holdout_section.to_string()) intro=Signal::derive(move || v().holdout_intro.to_string()) id="holdout">
            {holdout}
        </Section>
        <Section title=Signal::derive(move || v().model_title.to_string()) id="model">
            {params}
        </Section>
    }
}
