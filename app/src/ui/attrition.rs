//! Attrition: `/attrition?t=0.5`, `data-page="attrition"`.
//!
//! The churn models: which one scores the customers and why, both AUCs, the ROC curves, lift
//! and cumulative gain by decile, the confusion matrix at a threshold the user moves (read from
//! the report's sweep of thresholds, so it works without the rows), the strongest drivers, and
//! the customers at risk at that threshold.

use leptos::prelude::*;
use leptos_router::hooks::query_signal;
use prisme_core::churn::metrics::{Confusion, Evaluation};
use prisme_core::churn::{ChurnResult, ModelKind};
use prisme_core::datamart::{Cmp, Filter};
use prisme_core::explore::SortBy;

use crate::charts::{BarChart, Curve, Curves, NumFmt, Series, colour};
use crate::i18n::Lang;
use crate::store::use_app;
use crate::ui::table::CustomerTable;
use crate::ui::widgets::{Section, Unavailable};

/// The sweep's confusion matrix nearest to `t`.
pub fn at_threshold(e: &Evaluation, t: f64) -> Option<&Confusion> {
    e.sweep
        .iter()
        .min_by(|a, b| (a.threshold - t).abs().total_cmp(&(b.threshold - t).abs()))
}

#[component]
pub fn AttritionPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let a = move || lang.get().att();
    let (t_q, set_t) = query_signal::<f64>("t");
    let threshold = Signal::derive(move || {
        let t = t_q.get().unwrap_or(0.5);
        (t.clamp(0.0, 1.0) * 100.0).round() / 100.0
    });
    let churn = Memo::new(move |_| {
        app.report
            .with(|r| r.as_ref().and_then(|r| r.churn.clone()))
    });

    let models = move || {
        let l = lang.get();
        let c = churn.get()?;
        let r = &c.result;
        let (chosen, other) = match r.chosen {
            ModelKind::Gbt => (&r.gbt, &r.logistic),
            ModelKind::Logistic => (&r.logistic, &r.gbt),
        };
        let auc = |e: &Evaluation| e.auc.map_or("–".to_string(), |a| l.dec(a, 3));
        let source = match c.window.clone() {
            Some((from, to)) => l.att().window_sentence(
                &l.date(&from),
                &l.date(&to),
                c.result.dataset.labelled,
                c.result.dataset.churners,
            ),
            None => l.att().table_sentence(
                &r.dataset.label_column,
                r.dataset.labelled,
                r.dataset.churners,
            ),
        };
        let lr_auc = r.logistic.evaluation.auc;
        let gbt_auc = r.gbt.evaluation.auc;
        Some(view! {
            <p class="lead" data-testid="churn-source">{source}</p>
            <p class="lead" data-testid="churn-chosen" data-model=format!("{:?}", r.chosen)>
                {l.att().chosen_sentence(l.att().model(r.chosen), &auc(&chosen.evaluation), &auc(&other.evaluation))}
            </p>
            <div class="kpi-grid small">
                <article class="kpi-tile" data-kpi="auc-logistic" data-value=lr_auc.map(|v| v.to_string())>
                    <header><span class="kpi-name">{format!("AUC · {}", l.att().model(ModelKind::Logistic))}</span></header>
                    <p class="kpi-big">{auc(&r.logistic.evaluation)}</p>
                </article>
                <article class="kpi-tile" data-kpi="auc-gbt" data-value=gbt_auc.map(|v| v.to_string())>
                    <header><span class="kpi-name">{format!("AUC · {}", l.att().model(ModelKind::Gbt))}</span></header>
                    <p class="kpi-big">{auc(&r.gbt.evaluation)}</p>
                </article>
                <article class="kpi-tile">
                    <header><span class="kpi-name">{l.att().test_rows}</span></header>
                    <p class="kpi-big">{l.int(r.dataset.test_rows as u64)}</p>
                </article>
            </div>
        })
    };

    let roc = move || {
        let l = lang.get();
        let c = churn.get()?;
        let r = &c.result;
        let curves = roc_curves(r, l);
        let (le, ge) = (r.logistic.evaluation.clone(), r.gbt.evaluation.clone());
        let marks = Signal::derive(move || {
            let t = threshold.get();
            [&le, &ge]
                .iter()
                .filter_map(|e| {
                    let c = at_threshold(e, t)?;
                    let fpr = c.false_positives as f64
                        / (c.false_positives + c.true_negatives).max(1) as f64;
                    Some((fpr, c.recall.unwrap_or(0.0)))
                })
                .collect()
        });
        let gains = vec![
            Curve {
                name: l.att().model(ModelKind::Logistic).to_string(),
                points: std::iter::once((0.0, 0.0))
                    .chain(
                        r.logistic
                            .evaluation
                            .deciles
                            .iter()
                            .map(|d| (f64::from(d.decile) / 10.0, d.cumulative_gain)),
                    )
                    .collect(),
                colour: colour(0),
            },
            Curve {
                name: l.att().model(ModelKind::Gbt).to_string(),
                points: std::iter::once((0.0, 0.0))
                    .chain(
                        r.gbt
                            .evaluation
                            .deciles
                            .iter()
                            .map(|d| (f64::from(d.decile) / 10.0, d.cumulative_gain)),
                    )
                    .collect(),
                colour: colour(1),
            },
        ];
        let (deciles, lifts) = lift_by_decile(r);
        Some(view! {
            <div class="three-col">
                <Curves
                    id="roc".to_string()
                    title=Signal::derive(move || lang.get().att().roc_title.to_string())
                    note=Signal::derive(move || lang.get().att().roc_note.to_string())
                    curves=curves
                    lang=lang.into()
                    x_title=Signal::derive(move || lang.get().att().fpr.to_string())
                    y_title=Signal::derive(move || lang.get().att().tpr.to_string())
                    marks=marks
                />
                <Curves
                    id="gain".to_string()
                    title=Signal::derive(move || lang.get().att().gain_title.to_string())
                    note=Signal::derive(move || lang.get().att().gain_note.to_string())
                    curves=gains
                    lang=lang.into()
                    x_title=Signal::derive(move || lang.get().att().targeted.to_string())
                    y_title=Signal::derive(move || lang.get().att().found.to_string())
                />
                <BarChart
                    id="lift".to_string()
                    title=Signal::derive(move || lang.get().att().lift_title.to_string())
                    note=Signal::derive(move || lang.get().att().lift_note.to_string())
                    labels=deciles
                    series=vec![Series::new(l.att().lift, lifts, 1)]
                    fmt=NumFmt::Dec(2)
                    lang=lang.into()
                    width=420.0
                    height=360.0
                    label_title=Signal::derive(move || lang.get().att().decile.to_string())
                />
            </div>
        })
    };

    let confusion = move || {
        let l = lang.get();
        let c = churn.get()?;
        let e = match c.result.chosen {
            ModelKind::Gbt => c.result.gbt.evaluation.clone(),
            ModelKind::Logistic => c.result.logistic.evaluation.clone(),
        };
        let m = at_threshold(&e, threshold.get())?.clone();
        let cell = |n: usize, key: &'static str, good: bool| {
            view! {
                <td class=if good { "cm good" } else { "cm bad" } data-cell=key data-value=n>
                    {l.int(n as u64)}
                </td>
            }
        };
        let pct = |v: Option<f64>| v.map_or("–".to_string(), |v| l.pct(v));
        Some(view! {
            <div class="confusion" data-testid="confusion" data-threshold=m.threshold>
                <table class="data cm-table">
                    <caption>{l.att().confusion_caption(&l.dec(m.threshold, 2))}</caption>
                    <thead>
                        <tr>
                            <th scope="col"></th>
                            <th scope="col">{l.att().predicted_churn}</th>
                            <th scope="col">{l.att().predicted_stay}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row">{l.att().actual_churn}</th>
                            {cell(m.true_positives, "tp", true)}
                            {cell(m.false_negatives, "fn", false)}
                        </tr>
                        <tr>
                            <th scope="row">{l.att().actual_stay}</th>
                            {cell(m.false_positives, "fp", false)}
                            {cell(m.true_negatives, "tn", true)}
                        </tr>
                    </tbody>
                </table>
                <dl class="metrics">
                    <div data-metric="precision" data-value=m.precision.map(|v| v.to_string())>
                        <dt>{l.att().precision}</dt>
                        <dd>{pct(m.precision)}</dd>
                    </div>
                    <div data-metric="recall" data-value=m.recall.map(|v| v.to_string())>
                        <dt>{l.att().recall}</dt>
                        <dd>{pct(m.recall)}</dd>
                    </div>
                    <div data-metric="accuracy" data-value=m.accuracy.map(|v| v.to_string())>
                        <dt>{l.att().accuracy}</dt>
                        <dd>{pct(m.accuracy)}</dd>
                    </div>
                </dl>
                <p class="muted">{l.att().threshold_help}</p>
            </div>
        })
    };

    let drivers = move || {
        let l = lang.get();
        let c = churn.get()?;
        let model = match c.result.chosen {
            ModelKind::Gbt => &c.result.gbt,
            ModelKind::Logistic => &c.result.logistic,
        };
        let strength: Vec<f64> = model.drivers.iter().map(|x| x.weight.abs()).collect();
        let d: Vec<_> = crate::charts::order_desc(&strength)
            .into_iter()
            .take(12)
            .map(|i| model.drivers[i].clone())
            .collect();
        let labels: Vec<String> = d.iter().map(|x| l.column_title(&x.name)).collect();
        let weights: Vec<f64> = d.iter().map(|x| x.weight).collect();
        let note = match c.result.chosen {
            ModelKind::Gbt => l.att().drivers_gbt,
            ModelKind::Logistic => l.att().drivers_logistic,
        };
        Some(view! {
            <BarChart
                id="drivers".to_string()
                title=Signal::derive(move || lang.get().att().drivers_title.to_string())
                note=Signal::derive(move || note.to_string())
                labels=labels
                series=vec![Series::new(l.att().weight, weights, 2)]
                horizontal=true
                fmt=NumFmt::Dec(3)
                lang=lang.into()
                width=560.0
                label_title=Signal::derive(move || lang.get().att().driver.to_string())
            />
        })
    };

    let filter = Signal::derive(move || {
        Some(Filter::Compare {
            column: "churn_score".into(),
            cmp: Cmp::Ge,
            value: threshold.get(),
        })
    });

    // Without a churn model, the page says why (the threshold and the at-risk list would have
    // no score to work on).
    view! {
        <Show when=move || churn.with(Option::is_some) fallback=|| view! { <Unavailable/> }>
        <Section title=Signal::derive(move || a().models_title.to_string()) id="models">
            {models}
        </Section>
        <Section title=Signal::derive(move || a().curves_title.to_string()) intro=Signal::derive(move || a().curves_intro.to_string()) id="curves">
            {roc}
        </Section>
        <Section title=Signal::derive(move || a().threshold_title.to_string()) id="threshold">
            <label class="slider no-print">
                <span>{move || a().threshold}</span>
                <input
                    type="range"
                    min="0"
                    max="1"
                    step="0.01"
                    data-testid="threshold"
                    prop:value=move || threshold.get().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            set_t.set(Some(v));
                        }
                    }
                />
                <output>{move || lang.get().dec(threshold.get(), 2)}</output>
            </label>
            <div class="two-col">
                {confusion}
                {drivers}
            </div>
        </Section>
        <Section title=Signal::derive(move || a().at_risk_title.to_string()) intro=Signal::derive(move || a().at_risk_intro.to_string()) id="at-risk">
            <CustomerTable
                id="at-risk"
                caption=Signal::derive(move || {
                    let l = lang.get();
                    l.att().at_risk_caption(&l.dec(threshold.get(), 2))
                })
                columns=vec!["segment", "recency", "frequency", "monetary", "p_alive", "clv", "churn_score"]
                filter=filter
                initial_sort=SortBy { column: "churn_score".into(), descending: true }
            />
        </Section>
        </Show>
    }
}

/// Both models' ROC curves, in the chart kit's terms (the Attrition page and a report).
pub(crate) fn roc_curves(r: &ChurnResult, l: Lang) -> Vec<Curve> {
    let curve = |kind: ModelKind, e: &Evaluation, i: usize| Curve {
        name: l.att().model(kind).to_string(),
        points: e
            .roc
            .iter()
            .map(|p| (p.false_positive_rate, p.true_positive_rate))
            .collect(),
        colour: colour(i),
    };
    vec![
        curve(ModelKind::Logistic, &r.logistic.evaluation, 0),
        curve(ModelKind::Gbt, &r.gbt.evaluation, 1),
    ]
}

/// The chosen model's lift per decile: labels `D1`…`D10` and the lifts.
pub(crate) fn lift_by_decile(r: &ChurnResult) -> (Vec<String>, Vec<f64>) {
    let chosen = match r.chosen {
        ModelKind::Gbt => &r.gbt.evaluation,
        ModelKind::Logistic => &r.logistic.evaluation,
    };
    chosen
        .deciles
        .iter()
        .map(|d| (format!("D{}", d.decile), d.lift))
        .unzip()
}
