//! Dashboard: `/dashboard?period=2026-10&slice=agence:Lyon`, `data-page="dashboard"`.
//!
//! Indicator tiles for one period (change against the previous period and the same period a
//! year earlier), one time series per indicator, and a ranking of the values of a slice column.
//! The period and the slice value live in the address; every number is read from the report's
//! indicators (the total, or the chosen slice value's): nothing is recomputed here.

use leptos::prelude::*;
use leptos_router::hooks::query_signal;
use prisme_core::indicators::{Change, PeriodIndicators};

use crate::charts::{BarChart, LineChart, NumFmt, Series};
use crate::store::use_app;
use crate::ui::widgets::{ChangeBadge, Info, Picker, Section, Unavailable};

/// The indicators the dashboard shows, in tile order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Revenue,
    Orders,
    Active,
    New,
    Basket,
    Frequency,
    Churn,
    Clv,
}

impl Measure {
    pub const ALL: [Measure; 8] = [
        Measure::Revenue,
        Measure::Orders,
        Measure::Active,
        Measure::New,
        Measure::Basket,
        Measure::Frequency,
        Measure::Churn,
        Measure::Clv,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Measure::Revenue => "revenue",
            Measure::Orders => "orders",
            Measure::Active => "active_customers",
            Measure::New => "new_customers",
            Measure::Basket => "average_basket",
            Measure::Frequency => "purchase_frequency",
            Measure::Churn => "churn_rate",
            Measure::Clv => "clv",
        }
    }

    pub fn fmt(self) -> NumFmt {
        match self {
            Measure::Revenue | Measure::Basket | Measure::Clv => NumFmt::Money,
            Measure::Orders | Measure::Active | Measure::New => NumFmt::Int,
            Measure::Frequency => NumFmt::Dec(2),
            Measure::Churn => NumFmt::Pct,
        }
    }

    pub fn value(self, p: &PeriodIndicators) -> Option<f64> {
        match self {
            Measure::Revenue => Some(p.revenue),
            Measure::Orders => Some(p.orders as f64),
            Measure::Active => Some(p.active_customers as f64),
            Measure::New => Some(p.new_customers as f64),
            Measure::Basket => p.average_basket,
            Measure::Frequency => p.purchase_frequency,
            Measure::Churn => p.churn_rate,
            Measure::Clv => p.clv,
        }
    }

    fn change(self, c: &prisme_core::indicators::Changes) -> Option<&Change> {
        match self {
            Measure::Revenue => c.revenue.as_ref(),
            Measure::Orders => c.orders.as_ref(),
            Measure::Active => c.active_customers.as_ref(),
            Measure::New => c.new_customers.as_ref(),
            Measure::Basket => c.average_basket.as_ref(),
            Measure::Frequency => c.purchase_frequency.as_ref(),
            Measure::Churn => c.churn_rate.as_ref(),
            Measure::Clv => c.clv.as_ref(),
        }
    }

    fn up_is_good(self) -> bool {
        self != Measure::Churn
    }
}

/// `column:value` of the slice filter.
fn split_slice(s: &str) -> Option<(String, String)> {
    s.split_once(':')
        .map(|(c, v)| (c.to_string(), v.to_string()))
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let (period_q, set_period) = query_signal::<String>("period");
    let (slice_q, set_slice) = query_signal::<String>("slice");
    let (rank_q, set_rank) = query_signal::<String>("rank");
    let w = move || lang.get().wb();

    // The periods of the chosen slice (or the total).
    let periods = Memo::new(move |_| {
        app.report.with(|r| {
            let r = r.as_ref()?;
            let ind = r.indicators.as_ref()?;
            let chosen = slice_q.get().and_then(|s| split_slice(&s));
            match chosen {
                Some((col, val)) => r
                    .charts
                    .slices
                    .iter()
                    .find(|s| s.column == col)?
                    .values
                    .iter()
                    .find(|v| v.value.as_deref() == Some(val.as_str()))
                    .map(|v| v.periods.clone()),
                None => Some(ind.total.clone()),
            }
        })
    });
    let labels = Memo::new(move |_| {
        periods.with(|p| {
            p.as_ref()
                .map(|p| p.iter().map(|x| x.label.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let index = Memo::new(move |_| {
        let labels = labels.get();
        match period_q.get() {
            Some(p) => labels.iter().position(|l| *l == p),
            None => labels.len().checked_sub(1),
        }
    });
    let current = move || {
        let i = index.get()?;
        periods.with(|p| p.as_ref().and_then(|p| p.get(i).cloned()))
    };

    let period_options = Signal::derive(move || {
        let l = lang.get();
        labels
            .get()
            .into_iter()
            .rev()
            .map(|p| (p.clone(), l.period(&p)))
            .collect::<Vec<_>>()
    });
    let slice_options = Signal::derive(move || {
        let mut out = vec![(String::new(), lang.get().wb().all_customers.to_string())];
        app.report.with(|r| {
            if let Some(r) = r {
                for s in &r.charts.slices {
                    for v in &s.values {
                        if let Some(val) = &v.value {
                            out.push((
                                format!("{}:{val}", s.column),
                                format!("{} : {val}", s.column),
                            ));
                        }
                    }
                }
            }
        });
        out
    });

    let tiles = move || {
        let l = lang.get();
        let Some(p) = current() else {
            return view! { <Unavailable/> }.into_any();
        };
        Measure::ALL
            .into_iter()
            .filter(|m| *m != Measure::Clv || p.clv.is_some())
            .map(|m| {
                let value = m.value(&p);
                let text = value.map_or("–".to_string(), |v| m.fmt().full(l, v));
                let prev = m.change(&p.change).and_then(|c| c.relative);
                let year = m.change(&p.change_year).and_then(|c| c.relative);
                let extra = (m == Measure::New).then(|| {
                    format!("{} {}", l.int(p.returning_customers), l.wb().returning)
                });
                view! {
                    <article class="kpi-tile" data-kpi=m.key() data-value=value.map(|v| v.to_string())>
                        <header>
                            <span class="kpi-name">{l.wb().measure(m)}</span>
                            <Info text=l.wb().measure_help(m).to_string() />
                        </header>
                        <p class="kpi-big">{text}</p>
                        {extra.map(|e| view! { <p class="kpi-extra">{e}</p> })}
                        <p class="kpi-changes">
                            <ChangeBadge change=prev label=l.wb().vs_previous.to_string() lang=lang.into() up_is_good=m.up_is_good() />
                            <ChangeBadge change=year label=l.wb().vs_year.to_string() lang=lang.into() up_is_good=m.up_is_good() />
                        </p>
                    </article>
                }
            })
            .collect_view()
            .into_any()
    };

    // The trends (eight charts) are drawn one per task after the tiles: the page shows its
    // numbers first, and the main thread is never held long (eight charts in one task took
    // 55-60 ms on the test machine, over the 50 ms a task may take).
    let drawn = RwSignal::new(0usize);
    fn draw_next(drawn: RwSignal<usize>) {
        crate::store::later(move || {
            let n = drawn.try_get_untracked();
            if let Some(n) = n.filter(|n| *n < Measure::ALL.len()) {
                drawn.set(n + 1);
                draw_next(drawn);
            }
        });
    }
    draw_next(drawn);
    let chart = move |i: usize, m: Measure| {
        let shown = Memo::new(move |_| drawn.get() > i);
        move || {
            if !shown.get() {
                return None;
            }
            let l = lang.get();
            let ps = periods.get()?;
            if m == Measure::Clv && ps.iter().all(|p| p.clv.is_none()) {
                return None;
            }
            let labels: Vec<String> = ps.iter().map(|p| l.period(&p.label)).collect();
            let values: Vec<f64> = ps.iter().map(|p| m.value(p).unwrap_or(f64::NAN)).collect();
            Some(view! {
                <LineChart
                    id=format!("series-{}", m.key())
                    title=Signal::derive(move || lang.get().wb().measure(m).to_string())
                    labels=labels
                    series=vec![Series::new(l.wb().measure(m), values, 0)]
                    fmt=m.fmt()
                    lang=lang.into()
                    width=560.0
                    height=220.0
                    zero=m != Measure::Frequency
                    label_title=Signal::derive(move || lang.get().wb().period_axis.to_string())
                />
            })
        }
    };
    let series = move || {
        Measure::ALL
            .into_iter()
            .enumerate()
            .map(|(i, m)| chart(i, m))
            .collect_view()
    };

    // The ranking: values of one slice column in the chosen period, by revenue.
    let rank_column = Memo::new(move |_| {
        let cols: Vec<String> = app.report.with(|r| {
            r.as_ref()
                .map(|r| r.charts.slices.iter().map(|s| s.column.clone()).collect())
                .unwrap_or_default()
        });
        rank_q
            .get()
            .filter(|c| cols.contains(c))
            .or_else(|| cols.first().cloned())
    });
    let rank_options = Signal::derive(move || {
        app.report.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.charts
                        .slices
                        .iter()
                        .map(|s| (s.column.clone(), s.column.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let ranking = move || {
        let l = lang.get();
        let col = rank_column.get()?;
        let i = index.get()?;
        let period = labels.with(|ls| ls.get(i).cloned())?;
        let rows: Vec<(String, f64, Option<f64>)> = app.report.with(|r| {
            let set = r.as_ref()?.charts.slices.iter().find(|s| s.column == col)?;
            let rows: Vec<(String, f64, Option<f64>)> = set
                .values
                .iter()
                .filter_map(|v| {
                    let p = v.periods.iter().find(|p| p.label == period)?;
                    Some((
                        v.value.clone().unwrap_or_else(|| l.wb().blank.to_string()),
                        p.revenue,
                        p.change.revenue.as_ref().and_then(|c| c.relative),
                    ))
                })
                .collect();
            let values: Vec<f64> = rows.iter().map(|r| r.1).collect();
            Some(
                crate::charts::order_desc(&values)
                    .into_iter()
                    .map(|i| rows[i].clone())
                    .collect::<Vec<_>>(),
            )
        })?;
        let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let values: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let title_col = col.clone();
        Some(view! {
            <BarChart
                id="ranking".to_string()
                title=Signal::derive(move || format!("{} · {}", lang.get().wb().ranking_title, title_col))
                note=Signal::derive(move || lang.get().period(&period))
                labels=names
                series=vec![Series::new(l.wb().measure(Measure::Revenue), values, 0)]
                horizontal=true
                fmt=NumFmt::Money
                lang=lang.into()
                width=720.0
                label_title=Signal::derive(move || rank_column.get().unwrap_or_default())
            />
        })
    };

    // Without indicators (a report from a customer summary, or a customer table alone), the
    // page says why instead of empty filters and charts.
    let has_indicators = move || {
        app.report
            .with(|r| r.as_ref().is_some_and(|r| r.indicators.is_some()))
    };
    view! {
        <Show when=has_indicators fallback=|| view! { <Unavailable/> }>
        <div class="filters no-print" role="group" aria-label=move || w().filters>
            <Picker
                label=Signal::derive(move || w().period_filter.to_string())
                options=period_options
                value=Signal::derive(move || index.get().and_then(|i| labels.with(|l| l.get(i).cloned())).unwrap_or_default())
                on_pick=move |v| set_period.set(Some(v))
                testid="period-filter"
            />
            <Picker
                label=Signal::derive(move || w().slice_filter.to_string())
                options=slice_options
                value=Signal::derive(move || slice_q.get().unwrap_or_default())
                on_pick=move |v| set_slice.set((!v.is_empty()).then_some(v))
                testid="slice-filter"
            />
        </div>
        <p class="period-line" data-testid="dashboard-period">
            {move || {
                let l = lang.get();
                let p = index.get().and_then(|i| labels.with(|ls| ls.get(i).cloned())).unwrap_or_default();
                let s = slice_q.get().map(|s| format!(" · {s}")).unwrap_or_default();
                format!("{}{s}", l.period(&p))
            }}
        </p>
        <div class="kpi-grid" data-testid="kpis">{tiles}</div>
        <Section title=Signal::derive(move || w().trends_title.to_string()) id="trends">
            <div class="chart-grid">{series}</div>
        </Section>
        <Section
            title=Signal::derive(move || w().ranking_title.to_string())
            intro=Signal::derive(move || w().ranking_intro.to_string())
            id="ranking"
        >
            <div class="filters no-print">
                <Picker
                    label=Signal::derive(move || w().rank_by.to_string())
                    options=rank_options
                    value=Signal::derive(move || rank_column.get().unwrap_or_default())
                    on_pick=move |v| set_rank.set(Some(v))
                    testid="rank-column"
                />
            </div>
            {ranking}
        </Section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_filter_splits_at_the_first_colon() {
        assert_eq!(
            split_slice("agence:Paris: Opéra"),
            Some(("agence".into(), "Paris: Opéra".into()))
        );
        assert_eq!(split_slice("all"), None);
    }

    #[test]
    fn measures_have_distinct_keys() {
        let mut keys: Vec<&str> = Measure::ALL.iter().map(|m| m.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Measure::ALL.len());
    }
}
