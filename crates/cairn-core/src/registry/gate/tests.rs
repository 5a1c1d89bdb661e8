//! The CI gate against a real store: rules, requirements, baselines and promotion.

use super::*;
use crate::SqliteStore;
use crate::model::ModelStage;
use crate::model::{
    DataHash, DataKind, GitOrigin, GitProvenance, LogBatch, MetricPoint, NamedMetricPoint,
    NewExperiment, NewRun, SourceKind,
};
use crate::registry::{ModelRef, Promotion, promote, register_run_model};
use crate::store::{ProvenanceStore as _, RegistryStore as _, TrackingStore as _};

struct Fixture {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    runs: Vec<String>,
}

/// Model `m`: v1 (auc 0.90, latency 40) in Production, v2 (auc 0.93, latency 45) in Staging.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let experiment = store
        .create_experiment(&NewExperiment {
            name: "e".into(),
            ..NewExperiment::default()
        })
        .unwrap();
    let mut runs = Vec::new();
    for (auc, latency) in [(0.90, 40.0), (0.93, 45.0)] {
        let run = store
            .create_run(&NewRun::new(experiment, SourceKind::Cli))
            .unwrap();
        let id = run.info.run_id;
        let point = |key: &str, value: f64| NamedMetricPoint {
            key: key.into(),
            point: MetricPoint {
                step: 0,
                timestamp_ms: 1,
                value,
            },
        };
        store
            .log_batch(
                &id,
                &LogBatch {
                    metrics: vec![point("val_auc", auc), point("latency_ms", latency)],
                    ..LogBatch::default()
                },
            )
            .unwrap();
        register_run_model(&store, &id, "model", "m", "ada", "cli").unwrap();
        runs.push(id);
    }
    for (version, stage) in [(1, ModelStage::Production), (2, ModelStage::Staging)] {
        promote(
            &store,
            &Promotion {
                name: "m".into(),
                version,
                stage,
                archive_existing: false,
                comment: String::new(),
                user_id: "ada".into(),
                origin: "cli".into(),
                gate_report: None,
            },
        )
        .unwrap();
    }
    Fixture {
        _dir: dir,
        store,
        runs,
    }
}

fn spec(rules: &[&str]) -> GateSpec {
    GateSpec {
        model: "m".into(),
        candidate: Candidate::Version(2),
        against: ModelRef::Stage(ModelStage::Production),
        rules: rules
            .iter()
            .map(|rule| Rule::parse(rule).unwrap())
            .collect(),
        requirements: Vec::new(),
        missing_baseline: MissingBaseline::Error,
    }
}

#[test]
fn parses_rules_with_the_search_lexer() {
    let rule = Rule::parse("metrics.val_auc >= baseline + 0.002").unwrap();
    assert_eq!(rule.metric, "val_auc");
    assert_eq!(rule.comparison, Comparison::GtEq);
    assert_eq!(rule.threshold, Threshold::BaselinePlus(0.002));
    let threshold = |text: &str| Rule::parse(text).unwrap().threshold;
    assert_eq!(threshold("metrics.a <= 50"), Threshold::Number(50.0));
    assert_eq!(threshold("metrics.a < -1.5"), Threshold::Number(-1.5));
    assert_eq!(
        threshold("metrics.a>=baseline"),
        Threshold::BaselinePlus(0.0)
    );
    assert_eq!(
        threshold("metrics.a >= baseline - 0.01"),
        Threshold::BaselinePlus(-0.01)
    );
    assert_eq!(
        threshold("metrics.a >= baseline -0.01"),
        Threshold::BaselinePlus(-0.01)
    );
    assert_eq!(
        threshold("metrics.a <= baseline * 1.1"),
        Threshold::BaselineTimes(1.1)
    );
    assert_eq!(
        Rule::parse("metrics.`val auc` != 0").unwrap().metric,
        "val auc"
    );
    // Signs without spaces: the lexer's arithmetic mode reads them, no re-lexing.
    assert_eq!(
        threshold("metrics.a>=baseline-0.01"),
        Threshold::BaselinePlus(-0.01)
    );
    assert_eq!(
        threshold("metrics.a>=baseline+0.01"),
        Threshold::BaselinePlus(0.01)
    );
    assert_eq!(
        threshold("metrics.a<=baseline*2"),
        Threshold::BaselineTimes(2.0)
    );
    assert_eq!(threshold("metrics.a > - 1"), Threshold::Number(-1.0));
    let error = Rule::parse("metrics.a > baseline / 2").unwrap_err();
    assert_eq!(
        error.to_string(),
        "rule 'metrics.a > baseline / 2': at position 21: expected a name, value, operator or \
         parenthesis, found '/'"
    );
    for bad in [
        "params.lr > 1",
        "metrics.a",
        "metrics.a > ",
        "metrics.a > baseline +",
        "metrics.a <> 1",
        "metrics.a > 'x'",
        "metrics.a > baseline / 2",
        "metrics.a > 1 and metrics.b < 2",
    ] {
        assert!(
            matches!(Rule::parse(bad), Err(GateError::Usage(_))),
            "{bad} should not parse"
        );
    }
}

#[test]
fn passes_when_every_rule_holds() {
    let fixture = fixture();
    let report = evaluate(
        &fixture.store,
        &spec(&[
            "metrics.val_auc >= baseline + 0.002",
            "metrics.latency_ms <= 50",
            "metrics.latency_ms <= baseline * 1.2",
        ]),
    )
    .unwrap();
    assert!(report.passed, "{report:?}");
    assert_eq!(report.baseline.as_ref().unwrap().version, Some(1));
    assert_eq!(report.rules[0].baseline, Some(0.90));
    assert_eq!(report.rules[1].baseline, None);
    assert_eq!(report.candidate.run_id, fixture.runs[1]);
}

#[test]
fn fails_when_a_rule_does_not_hold() {
    let fixture = fixture();
    let report = evaluate(
        &fixture.store,
        &spec(&[
            "metrics.val_auc >= baseline + 0.05",
            "metrics.latency_ms <= 50",
        ]),
    )
    .unwrap();
    assert!(!report.passed);
    assert!(!report.rules[0].passed);
    assert!(report.rules[1].passed);
    assert!(report.to_markdown().contains("FAIL"));
}

#[test]
fn missing_metric_is_a_data_error() {
    let fixture = fixture();
    let error = evaluate(&fixture.store, &spec(&["metrics.f1 >= 0.5"])).unwrap_err();
    assert!(
        matches!(error, GateError::Data(ref m) if m.contains("f1")),
        "{error}"
    );
}

#[test]
fn missing_baseline_is_an_error_unless_told() {
    let fixture = fixture();
    let mut gate = spec(&["metrics.val_auc >= baseline", "metrics.latency_ms <= 50"]);
    gate.against = ModelRef::Alias("nobody".into());
    assert!(matches!(
        evaluate(&fixture.store, &gate),
        Err(GateError::Data(_))
    ));
    gate.missing_baseline = MissingBaseline::Pass;
    let report = evaluate(&fixture.store, &gate).unwrap();
    assert!(report.passed);
    assert_eq!(report.rules[0].note, "no baseline");
    gate.missing_baseline = MissingBaseline::Fail;
    let report = evaluate(&fixture.store, &gate).unwrap();
    assert!(!report.passed);
    assert!(report.rules[1].passed);
    // Constant rules need no baseline at all.
    let mut constant = spec(&["metrics.latency_ms <= 50"]);
    constant.against = ModelRef::Stage(ModelStage::Archived);
    assert!(evaluate(&fixture.store, &constant).unwrap().passed);
}

#[test]
fn a_run_candidate_and_a_version_baseline() {
    let fixture = fixture();
    let mut gate = spec(&["metrics.val_auc > baseline"]);
    gate.candidate = Candidate::Run(fixture.runs[1].clone());
    gate.against = ModelRef::Version(1);
    let report = evaluate(&fixture.store, &gate).unwrap();
    assert!(report.passed);
    assert_eq!(report.candidate.version, Some(2));
}

#[test]
fn requirements_check_git_and_data() {
    let fixture = fixture();
    let mut gate = spec(&[]);
    gate.requirements = vec![
        Requirement::CleanGit,
        Requirement::DataHash,
        Requirement::SameData,
    ];
    let report = evaluate(&fixture.store, &gate).unwrap();
    assert!(!report.passed);
    assert!(report.requirements.iter().all(|r| !r.passed));

    let git = |dirty| GitProvenance {
        commit_sha: Some("abc123".into()),
        is_dirty: Some(dirty),
        ..GitProvenance::empty(GitOrigin::Repository)
    };
    let data = |hash: &str| DataHash {
        path: "data/train".into(),
        kind: DataKind::Directory,
        root_hash: hash.into(),
        size_bytes: 10,
        file_count: 2,
        dvc_md5: None,
    };
    // Dirty code fails clean-git.
    fixture
        .store
        .set_git_provenance(&fixture.runs[1], &git(true))
        .unwrap();
    fixture
        .store
        .set_data_hash(&fixture.runs[1], &data("aaa"))
        .unwrap();
    fixture
        .store
        .set_data_hash(&fixture.runs[0], &data("bbb"))
        .unwrap();
    let report = evaluate(&fixture.store, &gate).unwrap();
    let passed: Vec<bool> = report.requirements.iter().map(|r| r.passed).collect();
    assert_eq!(passed, [false, true, false], "{report:?}");
    assert!(report.requirements[2].detail.contains("differs"));

    fixture
        .store
        .set_git_provenance(&fixture.runs[1], &git(false))
        .unwrap();
    fixture
        .store
        .set_data_hash(&fixture.runs[0], &data("aaa"))
        .unwrap();
    let report = evaluate(&fixture.store, &gate).unwrap();
    assert!(report.passed, "{report:?}");
}

#[test]
fn the_markdown_record_lists_each_rule() {
    let fixture = fixture();
    let report = evaluate(
        &fixture.store,
        &spec(&[
            "metrics.val_auc >= baseline + 0.002",
            "metrics.latency_ms <= 50",
        ]),
    )
    .unwrap();
    let markdown = report.to_markdown();
    assert!(markdown.starts_with("# Gate: m — PASSED"), "{markdown}");
    assert!(
        markdown.contains("| `metrics.val_auc >= baseline + 0.002` | 0.93 | 0.9 | 0.902 | pass |"),
        "{markdown}"
    );
    assert!(markdown.contains("Baseline (Production): version 1"));
    assert_eq!(report.rules[0].baseline, Some(0.9));
    assert_eq!(report.rules[1].threshold, Some(50.0));
    assert_eq!(report.candidate.version, Some(2));
}

#[test]
fn promotion_records_the_report_in_the_history() {
    let fixture = fixture();
    let report = evaluate(&fixture.store, &spec(&["metrics.latency_ms <= 50"])).unwrap();
    let version = report
        .promote(&fixture.store, ModelStage::Production, true, "ci", "")
        .unwrap();
    assert_eq!(version.current_stage, ModelStage::Production);
    let history = fixture.store.registry_history("m").unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.origin, "gate");
    assert_eq!(last.version, Some(2));
    assert_eq!(last.user_id, "ci");
    assert_eq!(
        last.gate_report.as_deref(),
        Some(report.to_markdown().as_str())
    );
    // The archived version 1 is recorded too, without the report.
    let archived = &history[history.len() - 2];
    assert_eq!(archived.version, Some(1));
    assert_eq!(archived.to_stage, Some(ModelStage::Archived));
    assert_eq!(archived.origin, "gate");

    let failed = evaluate(&fixture.store, &spec(&["metrics.latency_ms <= 1"])).unwrap();
    assert!(
        failed
            .promote(&fixture.store, ModelStage::Production, true, "ci", "")
            .is_err()
    );
}

#[test]
fn no_drift_parses_its_share_and_needs_a_judge() {
    assert_eq!(
        Requirement::parse("no-drift").unwrap(),
        Requirement::NoDrift { share: 0.5 }
    );
    let custom = Requirement::parse("no-drift:0.25").unwrap();
    assert_eq!(custom, Requirement::NoDrift { share: 0.25 });
    assert_eq!(custom.describe(), "no-drift:0.25");
    for bad in ["no-drift:0", "no-drift:1.5", "no-drift:x", "drift"] {
        assert!(
            matches!(Requirement::parse(bad), Err(GateError::Usage(_))),
            "{bad}"
        );
    }
    let fixture = fixture();
    let mut gate = spec(&[]);
    gate.requirements = vec![Requirement::NoDrift { share: 0.5 }];
    let error = evaluate(&fixture.store, &gate).unwrap_err();
    assert!(error.to_string().contains("drift engine"), "{error}");
}
