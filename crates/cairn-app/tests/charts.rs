//! The chart and compare commands through `App::call`, over the demo store.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use cairn_app::ErrorKind;
use std::sync::Arc;

use cairn_app::{App, AppError};
use cairn_core::{ProvenanceStore, RunSearchStore, TrackingStore};
use cairn_core::{RunSearch, SqliteStore};
use serde_json::{Value, json};

struct Demo {
    _dir: tempfile::TempDir,
    app: App,
    /// Run ids of the first demo experiment (mnist-cnn), oldest last.
    mnist: Vec<String>,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    cairn_app::demo::seed_demo(&store).unwrap();
    let experiment = store.get_experiment_by_name("mnist-cnn").unwrap();
    let runs = store
        .search_runs(&RunSearch {
            experiment_ids: vec![experiment.experiment_id],
            max_results: 100,
            ..RunSearch::default()
        })
        .unwrap()
        .runs;
    let mnist = runs.iter().map(|run| run.info.run_id.clone()).collect();
    Demo {
        _dir: dir,
        app: App::new(Arc::new(store)),
        mnist,
    }
}

fn call(app: &App, name: &str, args: Value) -> Result<Value, AppError> {
    app.call(name, args)
}

fn f(value: &Value) -> f64 {
    value.as_f64().unwrap()
}

fn assert_svg(view: &Value) {
    let svg = view["svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.trim_end().ends_with("</svg>"));
}

fn assert_geometry(view: &Value, width: f64, height: f64) {
    let g = &view["geometry"];
    let (left, top, right, bottom) = (
        f(&g["left_px"]),
        f(&g["top_px"]),
        f(&g["right_px"]),
        f(&g["bottom_px"]),
    );
    assert!(0.0 <= left && left < right && right <= width, "{g}");
    assert!(0.0 <= top && top < bottom && bottom <= height, "{g}");
    let x = g["x_range"].as_array().unwrap();
    let y = g["y_range"].as_array().unwrap();
    assert!(f(&x[0]) < f(&x[1]) && f(&y[0]) < f(&y[1]), "{g}");
}

#[test]
fn line_chart_draws_every_run_with_consistent_geometry_and_series() {
    let demo = demo();
    let runs = &demo.mnist[..3];
    let view = call(
        &demo.app,
        "line_chart",
        json!({"runIds": runs, "metric": "val_acc", "x": "step", "width": 640, "height": 320,
               "theme": "dark", "smoothing": 0.6}),
    )
    .unwrap();
    assert_svg(&view);
    assert_geometry(&view, 640.0, 320.0);
    assert!(view["point_count"].as_u64().unwrap() > 100);
    let chart_runs = view["runs"].as_array().unwrap();
    assert_eq!(chart_runs.len(), 3);
    for (run, id) in chart_runs.iter().zip(runs) {
        assert_eq!(run["run_id"], json!(id));
        let colour = run["colour"].as_str().unwrap();
        assert!(colour.starts_with('#') && colour.len() == 7);
        // The run's line is drawn in its colour.
        let svg = view["svg"].as_str().unwrap().to_ascii_lowercase();
        assert!(svg.contains(colour), "{colour}");
    }
    // Every series point lies inside the plot's data ranges.
    let g = &view["geometry"];
    let (x0, x1) = (f(&g["x_range"][0]), f(&g["x_range"][1]));
    let (y0, y1) = (f(&g["y_range"][0]), f(&g["y_range"][1]));
    let series = view["series"].as_array().unwrap();
    assert_eq!(series.len(), 3);
    for run in series {
        let points = run["points"].as_array().unwrap();
        assert!(!points.is_empty());
        for point in points {
            let (x, y) = (f(&point[0]), f(&point[1]));
            assert!(
                x0 <= x && x <= x1 && y0 <= y && y <= y1,
                "{point} outside {g}"
            );
        }
    }
}

#[test]
fn line_chart_colours_follow_the_ids_not_their_order() {
    let demo = demo();
    let ids = &demo.mnist[..4];
    let reversed: Vec<&String> = ids.iter().rev().collect();
    let colours = |runs: Value| {
        let view = call(
            &demo.app,
            "line_chart",
            json!({"runIds": runs, "metric": "train_loss", "width": 300, "height": 200}),
        )
        .unwrap();
        let mut pairs: Vec<(String, String)> = view["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|run| {
                (
                    run["run_id"].as_str().unwrap().to_owned(),
                    run["colour"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        pairs.sort();
        pairs
    };
    assert_eq!(colours(json!(ids)), colours(json!(reversed)));
}

#[test]
fn line_chart_downsamples_a_narrow_chart() {
    let demo = demo();
    let view = call(
        &demo.app,
        "line_chart",
        json!({"runIds": &demo.mnist[..2], "metric": "train_loss", "width": 120, "height": 150,
               "x": "time", "logY": true}),
    )
    .unwrap();
    assert_eq!(view["downsampled"], json!(true));
    assert_eq!(view["geometry"]["y_scale"], json!("log10"));
}

#[test]
fn unknown_run_is_not_found_and_names_it() {
    let demo = demo();
    for (command, extra) in [
        ("line_chart", json!({"metric": "train_loss"})),
        ("scatter_chart", json!({"x": "params.lr", "y": "val_acc"})),
        (
            "parallel_chart",
            json!({"dimensions": ["params.lr", "metrics.val_acc"]}),
        ),
        ("histogram_chart", json!({"field": "val_acc"})),
    ] {
        let mut args =
            json!({"runIds": [&demo.mnist[0], "no-such-run"], "width": 400, "height": 300});
        for (key, value) in extra.as_object().unwrap() {
            args[key] = value.clone();
        }
        let error = call(&demo.app, command, args).unwrap_err();
        assert_eq!(error.kind, ErrorKind::NotFound, "{command}: {error:?}");
        assert!(
            error.message.contains("no-such-run"),
            "{command}: {error:?}"
        );
    }
    let error = call(
        &demo.app,
        "compare_runs",
        json!({"runIds": ["no-such-run"]}),
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert!(error.message.contains("no-such-run"));
}

#[test]
fn bad_options_are_invalid_and_name_the_field() {
    let demo = demo();
    let base =
        json!({"runIds": [&demo.mnist[0]], "metric": "train_loss", "width": 400, "height": 300});
    let cases = [
        ("x", json!("epoch")),
        ("smoothing", json!(1.5)),
        ("theme", json!("sepia")),
        ("width", json!(5)),
        ("height", json!(100_000)),
        ("metric", json!("")),
        ("runIds", json!([])),
    ];
    for (field, value) in cases {
        let mut args = base.clone();
        args[field] = value;
        let error = call(&demo.app, "line_chart", args).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Invalid, "{field}: {error:?}");
        assert!(error.message.contains(field), "{field}: {}", error.message);
    }
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("metric");
    let error = call(&demo.app, "line_chart", missing).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert!(error.message.contains("metric"), "{}", error.message);
    let error = call(
        &demo.app,
        "parallel_chart",
        json!({"runIds": [&demo.mnist[0]], "dimensions": ["val_acc"], "width": 400, "height": 300}),
    )
    .unwrap_err();
    assert!(error.message.contains("dimensions"), "{}", error.message);
}

#[test]
fn scatter_parallel_and_histogram_render() {
    let demo = demo();
    let runs = &demo.mnist[..8];
    let frame = json!({"runIds": runs, "width": 500, "height": 300, "theme": "light"});
    let with = |extra: Value| {
        let mut args = frame.clone();
        for (key, value) in extra.as_object().unwrap() {
            args[key] = value.clone();
        }
        args
    };
    let scatter = call(
        &demo.app,
        "scatter_chart",
        with(json!({"x": "params.lr", "y": "metrics.val_acc"})),
    )
    .unwrap();
    assert_svg(&scatter);
    assert_geometry(&scatter, 500.0, 300.0);
    assert_eq!(scatter["point_count"], json!(8));
    let parallel = call(
        &demo.app,
        "parallel_chart",
        with(
            json!({"dimensions": ["params.optimizer", "params.lr", "metrics.val_acc"],
                    "colourBy": "metrics.val_acc"}),
        ),
    )
    .unwrap();
    assert_svg(&parallel);
    assert_eq!(parallel["runs"].as_array().unwrap().len(), 8);
    let histogram = call(
        &demo.app,
        "histogram_chart",
        with(json!({"field": "val_acc", "bins": 5})),
    )
    .unwrap();
    assert_svg(&histogram);
    assert_geometry(&histogram, 500.0, 300.0);
}

#[test]
fn compare_runs_lists_runs_keys_and_colours() {
    let demo = demo();
    let ids = &demo.mnist[..3];
    let view = call(&demo.app, "compare_runs", json!({"runIds": ids})).unwrap();
    let runs = view["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0]["run_id"], json!(ids[0]));
    assert_eq!(runs[0]["experiment_name"], json!("mnist-cnn"));
    assert!(
        view["param_keys"]
            .as_array()
            .unwrap()
            .contains(&json!("lr"))
    );
    assert!(
        view["metric_keys"]
            .as_array()
            .unwrap()
            .contains(&json!("val_acc"))
    );
    // The chips' colours are the charts' colours.
    let chart = call(
        &demo.app,
        "line_chart",
        json!({"runIds": ids, "metric": "train_loss", "width": 300, "height": 200}),
    )
    .unwrap();
    for (run, charted) in runs.iter().zip(chart["runs"].as_array().unwrap()) {
        assert_eq!(run["colour_light"], charted["colour"]);
    }
    assert!(!runs[0]["data"].as_array().unwrap().is_empty());
}

#[test]
fn diff_runs_reports_params_code_and_data() {
    let demo = demo();
    let store = demo.app.store();
    // Two runs with different learning rates and, if any, different commits.
    let runs: Vec<_> = demo
        .mnist
        .iter()
        .map(|id| store.get_run(id).unwrap())
        .collect();
    let param = |run: &cairn_core::model::Run, key: &str| {
        run.params
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value.clone())
    };
    let a = &runs[0];
    let b = runs
        .iter()
        .find(|run| param(run, "lr") != param(a, "lr"))
        .unwrap();
    let view = call(
        &demo.app,
        "diff_runs",
        json!({"runA": a.info.run_id, "runB": b.info.run_id}),
    )
    .unwrap();
    let params = view["params"].as_array().unwrap();
    let lr = params.iter().find(|change| change["key"] == "lr").unwrap();
    assert_eq!(lr["a"], json!(param(a, "lr")));
    assert_eq!(lr["b"], json!(param(b, "lr")));
    let commit = |run: &cairn_core::model::Run| run.git.as_ref().and_then(|g| g.commit_sha.clone());
    if commit(a) != commit(b) {
        assert_eq!(view["code"]["key"], json!("commit"));
    }
    let same = call(
        &demo.app,
        "diff_runs",
        json!({"runA": a.info.run_id, "runB": a.info.run_id}),
    )
    .unwrap();
    assert_eq!(same["params"], json!([]));
    assert_eq!(same["code"], Value::Null);
    let error = call(
        &demo.app,
        "diff_runs",
        json!({"runA": a.info.run_id, "runB": "missing-run"}),
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert!(error.message.contains("missing-run"));
}

#[test]
fn diff_runs_shows_the_uncommitted_changes_a_dirty_run_saved() {
    use cairn_core::model::{GitOrigin, GitProvenance, NewExperiment, NewRun, SourceKind};

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("cairn.db")).unwrap();
    let experiment = store
        .create_experiment(&NewExperiment {
            name: "dirty".into(),
            ..NewExperiment::default()
        })
        .unwrap();
    let commit = "3f9c2a1b7d4e8f60a1b2c3d4e5f60718293a4b5c";
    let mut ids = Vec::new();
    for dirty in [false, true] {
        let run = store
            .create_run(&NewRun::new(experiment, SourceKind::CairnRun))
            .unwrap();
        store
            .set_git_provenance(
                &run.info.run_id,
                &GitProvenance {
                    commit_sha: Some(commit.into()),
                    is_dirty: Some(dirty),
                    diff_artifact: dirty.then(|| "cairn/git.diff".to_string()),
                    ..GitProvenance::empty(GitOrigin::Repository)
                },
            )
            .unwrap();
        if dirty {
            let relative = run
                .info
                .artifact_uri
                .strip_prefix("mlflow-artifacts:/")
                .unwrap()
                .to_owned();
            let folder = store.artifact_root().join(relative).join("cairn");
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("git.diff"), "-lr = 0.1\n+lr = 0.01\n").unwrap();
        }
        ids.push(run.info.run_id);
    }
    let app = App::new(Arc::new(store));
    let view = call(&app, "diff_runs", json!({"runA": ids[0], "runB": ids[1]})).unwrap();
    assert_eq!(view["code"]["a"], json!(commit));
    assert_eq!(view["code"]["b"], json!(format!("{commit}+dirty")));
    assert_eq!(
        view["uncommitted"],
        json!([{"run_id": ids[1], "diff": "-lr = 0.1\n+lr = 0.01\n", "truncated": false}])
    );
}

/// A run of `demo` with `points` of `zoom_loss`: flat but for a spike of 50 at `spike_at`.
fn run_with_spike(demo: &Demo, points: i64, spike_at: i64) -> String {
    use cairn_core::model::{ExperimentId, MetricPoint, NewRun, SourceKind};
    let store = demo.app.store();
    let run = store
        .create_run(&NewRun {
            run_name: "spiky".to_string(),
            ..NewRun::new(ExperimentId::DEFAULT, SourceKind::Cli)
        })
        .unwrap();
    let history: Vec<MetricPoint> = (0..points)
        .map(|step| MetricPoint {
            step,
            timestamp_ms: 1_700_000_000_000 + step,
            value: if step == spike_at { 50.0 } else { 1.0 },
        })
        .collect();
    store
        .append_metric(&run.info.run_id, "zoom_loss", &history)
        .unwrap();
    run.info.run_id
}

#[test]
fn line_chart_zoomed_to_a_range_reduces_that_range_only() {
    let demo = demo();
    let run = run_with_spike(&demo, 200_000, 123_457);
    let args = |range: Option<[f64; 2]>| {
        let mut args = json!({"runIds": [run], "metric": "zoom_loss", "width": 400, "height": 200});
        if let Some(range) = range {
            args["xRange"] = json!(range);
        }
        args
    };
    let whole = call(&demo.app, "line_chart", args(None)).unwrap();
    assert_eq!(whole["point_count"], 200_000);
    let zoomed = call(&demo.app, "line_chart", args(Some([120_000.0, 130_000.0]))).unwrap();
    assert_eq!(zoomed["point_count"], 10_001, "the count covers the range");
    assert_eq!(zoomed["geometry"]["x_range"], json!([120_000.0, 130_000.0]));
    let points = zoomed["series"][0]["points"].as_array().unwrap();
    assert!(
        points
            .iter()
            .all(|p| (120_000.0..=130_000.0).contains(&f(&p[0])))
    );
    assert!(
        points
            .iter()
            .any(|p| f(&p[0]) == 123_457.0 && f(&p[1]) == 50.0),
        "the spike survives"
    );
    assert!(f(&zoomed["geometry"]["y_range"][1]) >= 50.0);
    let away = call(&demo.app, "line_chart", args(Some([0.0, 1_000.0]))).unwrap();
    assert!(
        f(&away["geometry"]["y_range"][1]) < 50.0,
        "the spike is outside"
    );
    let error = call(&demo.app, "line_chart", args(Some([5.0, 5.0]))).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert!(error.message.starts_with("xRange"), "{}", error.message);
}

#[test]
fn line_chart_hides_runs_but_keeps_their_colours() {
    let demo = demo();
    let runs = &demo.mnist[..3];
    let args = json!({"runIds": runs, "metric": "val_acc", "width": 400, "height": 200});
    let all = call(&demo.app, "line_chart", args.clone()).unwrap();
    let mut hiding = args.clone();
    hiding["hiddenRunIds"] = json!([runs[1]]);
    let hidden = call(&demo.app, "line_chart", hiding).unwrap();
    assert_eq!(
        hidden["runs"], all["runs"],
        "every run keeps its place and colour"
    );
    let drawn: Vec<&str> = hidden["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["run_id"].as_str().unwrap())
        .collect();
    assert_eq!(drawn, vec![runs[0].as_str(), runs[2].as_str()]);
    assert!(hidden["point_count"].as_u64() < all["point_count"].as_u64());
    let mut unknown = args;
    unknown["hiddenRunIds"] = json!(["nope"]);
    let error = call(&demo.app, "line_chart", unknown).unwrap_err();
    assert!(
        error.message.starts_with("hiddenRunIds"),
        "{}",
        error.message
    );
}
