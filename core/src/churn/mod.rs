//! Supervised attrition (churn) scoring: which customers are likely to leave, and why.
//!
//! Two models are fitted and compared on a held-out split rather than one trusted blindly:
//! a regularised logistic regression, whose coefficients on standardised inputs are drivers a
//! marketer can read ("month-to-month contracts raise the odds"), and gradient-boosted trees,
//! which catch thresholds and interactions the linear model misses. The one with the better
//! test AUC scores every customer; both evaluations go into the report so the choice can be
//! checked. Everything is deterministic for a seed, so a report can be reproduced.
//!
//! When a file has no churn label, [`label_from_holdout`] derives one from purchase history:
//! a customer who bought before a cutoff and not in the following window has lapsed.
//!
//! [`analyze`] is the one-call entry point; [`ChurnDataset`], [`Encoder`], [`LogisticModel`]
//! and [`GbtModel`] are the steps, for callers (and tests) that need them separately.
//!
//! How the models are validated: on the Telco churn file, both models must score within 0.001
//! AUC of scikit-learn's on the *same* train/test split, for each of 20 seeded splits, at the
//! analysis's shipped defaults (100 trees at rate 0.1, through `analysis::analyze`) and at this
//! module's (200 at 0.05), and give the same churn probability row by row on one split
//! (`core/tests/churn.rs`, `tests/reference/churn_sklearn.py`). Agreement with a reference
//! rather than a fixed AUC bar, because the bar the project first set (test AUC ≥ 0.84) sits
//! inside split noise: a 1,761-row test split moves the AUC by about ±0.01, half of the 20
//! splits fall below 0.84 in scikit-learn too, and the 20-split means are 0.841–0.842 in both
//! libraries: that is what these model families reach on this file, not a property of the
//! code. Agreement on identical rows is what tells a faithful implementation from a subtly
//! wrong one (measured: AUCs within 0.0002, probabilities within 1e-5 on all but one row).

pub mod dataset;
pub mod gbt;
pub mod holdout;
pub mod logistic;
pub mod metrics;
pub mod split;

use serde::{Deserialize, Serialize};

pub use dataset::{ChurnDataset, Encoder, ExcludedColumn, Feature, FeatureKind, Matrix};
pub use gbt::{GbtModel, GbtParams};
pub use holdout::{HoldoutLabels, label_from_holdout};
pub use logistic::{LogisticModel, LogisticParams};
pub use metrics::{Confusion, Decile, Evaluation, auc};
pub use split::{Split, SplitMix64, stratified_split};

use arrow_array::RecordBatch;

/// Errors of the churn family.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChurnError {
    #[error("no churn label column: name one (a yes/no column such as \"churn\")")]
    NoLabel,
    #[error("there is no column named \"{0}\"")]
    NoColumn(String),
    #[error("column \"{column}\" is not a churn label: {value:?} is not yes/no, true/false or 1/0")]
    BadLabel { column: String, value: String },
    #[error("every label is \"{0}\": a model needs both churners and non-churners")]
    OneClass(bool),
    #[error("too few labelled rows ({rows}) to fit and test; each class needs at least {min}")]
    TooFewRows { rows: usize, min: usize },
    #[error("no usable feature column (every other column was excluded)")]
    NoFeatures,
    #[error("invalid parameter: {0}")]
    BadParam(String),
    #[error("the model could not be fitted: {0}")]
    Fit(String),
    #[error("no customer bought on or before the cutoff day {0}")]
    NoCustomers(i32),
    #[error("{0}")]
    Arrow(String),
}

/// Churn parameters. Every field has a default, so `{}` is a valid JSON value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChurnParams {
    /// Label column; the column that reads as a churn label when `None`.
    pub label: Option<String>,
    /// Customer id column, excluded from the features and echoed with the scores.
    pub id: Option<String>,
    /// Other columns to leave out (e.g. data that is only known after the customer left).
    pub exclude: Vec<String>,
    /// Share of labelled rows held out for evaluation, in (0, 1).
    pub test_share: f64,
    pub seed: u64,
    /// Probability from which a customer is predicted to churn in the confusion matrix.
    pub threshold: f64,
    /// Text columns with more distinct values are left out.
    pub max_levels: usize,
    /// Text columns where more than this share of values are distinct are left out.
    pub max_distinct_share: f64,
    pub logistic: LogisticParams,
    pub gbt: GbtParams,
}

impl Default for ChurnParams {
    fn default() -> Self {
        ChurnParams {
            label: None,
            id: None,
            exclude: Vec::new(),
            test_share: 0.25,
            seed: 42,
            threshold: 0.5,
            max_levels: 50,
            max_distinct_share: 0.5,
            logistic: LogisticParams::default(),
            gbt: GbtParams::default(),
        }
    }
}

impl ChurnParams {
    pub fn validate(&self) -> Result<(), ChurnError> {
        let bad = |m: String| Err(ChurnError::BadParam(m));
        if !(self.test_share > 0.0 && self.test_share < 1.0) {
            return bad(format!(
                "test_share must be in (0, 1), not {}",
                self.test_share
            ));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return bad(format!(
                "threshold must be in [0, 1], not {}",
                self.threshold
            ));
        }
        if !(self.max_distinct_share > 0.0 && self.max_distinct_share <= 1.0) {
            return bad(format!(
                "max_distinct_share must be in (0, 1], not {}",
                self.max_distinct_share
            ));
        }
        if !(self.logistic.l2 >= 0.0 && self.logistic.l2.is_finite()) {
            return bad(format!(
                "logistic.l2 must be >= 0, not {}",
                self.logistic.l2
            ));
        }
        if self.logistic.max_iter == 0 {
            return bad("logistic.max_iter must be at least 1".into());
        }
        let g = &self.gbt;
        if !(g.learning_rate > 0.0 && g.learning_rate <= 1.0) {
            return bad(format!(
                "gbt.learning_rate must be in (0, 1], not {}",
                g.learning_rate
            ));
        }
        if g.n_trees == 0 || g.n_trees > 10_000 {
            return bad(format!(
                "gbt.n_trees must be in 1..=10000, not {}",
                g.n_trees
            ));
        }
        if g.max_leaves < 2 {
            return bad(format!(
                "gbt.max_leaves must be at least 2, not {}",
                g.max_leaves
            ));
        }
        if !(2..=255).contains(&g.max_bins) {
            return bad(format!(
                "gbt.max_bins must be in 2..=255, not {}",
                g.max_bins
            ));
        }
        if !(g.l2 >= 0.0 && g.l2.is_finite()) {
            return bad(format!("gbt.l2 must be >= 0, not {}", g.l2));
        }
        Ok(())
    }
}

/// Which model scores the customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    Logistic,
    Gbt,
}

/// What moves the churn score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// Model input (logistic regression) or input column (trees).
    pub name: String,
    pub column: String,
    /// Logistic regression: the coefficient on the standardised input (log-odds per standard
    /// deviation, or per level for categories). Trees: the column's share of total split gain.
    pub weight: f64,
}

/// One model's test evaluation and drivers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelReport {
    pub evaluation: Evaluation,
    /// Largest `|weight|` first.
    pub drivers: Vec<Driver>,
}

/// What went into the models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetReport {
    pub rows: usize,
    pub label_column: String,
    pub id_column: Option<String>,
    /// Rows with a blank label: scored, but not used to fit or evaluate.
    pub blank_labels: usize,
    pub labelled: usize,
    pub churners: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    pub columns: Vec<String>,
    pub features: Vec<String>,
    pub excluded: Vec<ExcludedColumn>,
}

/// Both fitted models with the encoder and the split they were fitted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnModel {
    pub encoder: Encoder,
    pub split: Split,
    pub logistic: LogisticModel,
    pub gbt: GbtModel,
    pub chosen: ModelKind,
    pub logistic_eval: Evaluation,
    pub gbt_eval: Evaluation,
}

/// Each class needs this many labelled rows for a split to leave some on both sides.
const MIN_PER_CLASS: usize = 4;

impl ChurnModel {
    /// Splits the labelled rows, fits both models on the training side and evaluates them on
    /// the test side.
    pub fn fit(data: &ChurnDataset, params: &ChurnParams) -> Result<Self, ChurnError> {
        params.validate()?;
        let rows = data.labelled_rows();
        let y = data.label_bools();
        let pos = rows.iter().filter(|&&r| y[r]).count();
        if pos == 0 || pos == rows.len() {
            return Err(ChurnError::OneClass(pos > 0));
        }
        if pos < MIN_PER_CLASS || rows.len() - pos < MIN_PER_CLASS {
            return Err(ChurnError::TooFewRows {
                rows: rows.len(),
                min: MIN_PER_CLASS,
            });
        }
        let split = stratified_split(&rows, &y, params.test_share, params.seed);
        let encoder = Encoder::fit(data, &split.train);
        let x_train = encoder.transform(data, &split.train);
        let y_train: Vec<bool> = split.train.iter().map(|&r| y[r]).collect();
        let x_test = encoder.transform(data, &split.test);
        let y_test: Vec<bool> = split.test.iter().map(|&r| y[r]).collect();
        let logistic = LogisticModel::fit(&x_train, &y_train, &params.logistic)?;
        let gbt = GbtModel::fit(&x_train, &y_train, &params.gbt)?;
        let logistic_eval =
            metrics::evaluate(&logistic.predict_proba(&x_test), &y_test, params.threshold);
        let gbt_eval = metrics::evaluate(&gbt.predict_proba(&x_test), &y_test, params.threshold);
        // Ties go to the logistic regression: simpler and its drivers read directly.
        let chosen = if gbt_eval.auc.unwrap_or(0.0) > logistic_eval.auc.unwrap_or(0.0) {
            ModelKind::Gbt
        } else {
            ModelKind::Logistic
        };
        Ok(ChurnModel {
            encoder,
            split,
            logistic,
            gbt,
            chosen,
            logistic_eval,
            gbt_eval,
        })
    }

    /// Churn probability of every row of `data` (labelled or not) by the chosen model.
    pub fn predict_proba(&self, data: &ChurnDataset) -> Vec<f64> {
        let all: Vec<usize> = (0..data.rows).collect();
        let x = self.encoder.transform(data, &all);
        match self.chosen {
            ModelKind::Logistic => self.logistic.predict_proba(&x),
            ModelKind::Gbt => self.gbt.predict_proba(&x),
        }
    }

    /// Logistic coefficients, largest magnitude first.
    pub fn logistic_drivers(&self) -> Vec<Driver> {
        let mut d: Vec<Driver> = self
            .encoder
            .features
            .iter()
            .zip(&self.logistic.coef)
            .map(|(f, &w)| Driver {
                name: f.name.clone(),
                column: f.column.clone(),
                weight: w,
            })
            .collect();
        d.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
        d
    }

    /// Tree split gain folded back onto input columns, as shares of the total.
    pub fn gbt_drivers(&self) -> Vec<Driver> {
        let mut per: Vec<(String, f64)> = Vec::new();
        for (f, &g) in self.encoder.features.iter().zip(&self.gbt.gain) {
            match per.iter_mut().find(|(c, _)| *c == f.column) {
                Some((_, s)) => *s += g,
                None => per.push((f.column.clone(), g)),
            }
        }
        let total: f64 = per.iter().map(|(_, g)| g).sum();
        let mut d: Vec<Driver> = per
            .into_iter()
            .map(|(c, g)| Driver {
                name: c.clone(),
                column: c,
                weight: if total > 0.0 { g / total } else { 0.0 },
            })
            .collect();
        d.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
        d
    }
}

/// Everything the churn report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnResult {
    pub dataset: DatasetReport,
    pub logistic: ModelReport,
    pub gbt: ModelReport,
    pub chosen: ModelKind,
    /// Per input row, in input order (empty strings when there is no id column).
    pub customer_id: Vec<String>,
    /// Per input row, in input order: the chosen model's churn probability.
    pub churn_score: Vec<f64>,
}

/// Builds the dataset, fits and evaluates both models and scores every row.
pub fn analyze(batch: &RecordBatch, params: &ChurnParams) -> Result<ChurnResult, ChurnError> {
    params.validate()?;
    let data = ChurnDataset::from_batch(batch, params)?;
    analyze_dataset(&data, params)
}

/// [`analyze`] on an already built dataset (e.g. [`ChurnDataset::from_table`]).
pub fn analyze_dataset(
    data: &ChurnDataset,
    params: &ChurnParams,
) -> Result<ChurnResult, ChurnError> {
    let model = ChurnModel::fit(data, params)?;
    Ok(result_from_model(data, &model))
}

/// The report of a fitted model, with every row of `data` scored.
pub fn result_from_model(data: &ChurnDataset, model: &ChurnModel) -> ChurnResult {
    let mut r = report_of_model(data, model);
    r.customer_id = data
        .ids
        .clone()
        .unwrap_or_else(|| vec![String::new(); data.rows]);
    r.churn_score = model.predict_proba(data);
    r
}

/// The report of a fitted model without scoring `data`'s rows (`customer_id` and
/// `churn_score` empty): for a
/// caller who scores other rows (the holdout-window model scores customers as of the
/// snapshot, not the training rows), so as not to run 200 trees over every row for nothing.
pub fn report_of_model(data: &ChurnDataset, model: &ChurnModel) -> ChurnResult {
    let labelled = data.labelled_rows();
    let churners = data.label.iter().filter(|l| **l == Some(true)).count();
    ChurnResult {
        dataset: DatasetReport {
            rows: data.rows,
            label_column: data.label_column.clone(),
            id_column: data.id_column.clone(),
            blank_labels: data.blank_labels,
            labelled: labelled.len(),
            churners,
            train_rows: model.split.train.len(),
            test_rows: model.split.test.len(),
            columns: data.columns.iter().map(|c| c.name.clone()).collect(),
            features: model
                .encoder
                .features
                .iter()
                .map(|f| f.name.clone())
                .collect(),
            excluded: data.excluded.clone(),
        },
        logistic: ModelReport {
            evaluation: model.logistic_eval.clone(),
            drivers: model.logistic_drivers(),
        },
        gbt: ModelReport {
            evaluation: model.gbt_eval.clone(),
            drivers: model.gbt_drivers(),
        },
        chosen: model.chosen,
        customer_id: Vec::new(),
        churn_score: Vec::new(),
    }
}
