//! `/graphql` answering the queries MLflow's UI sends (written here in the UI's shape: operation
//! names, `$data`/`$input` variables, `@component`, `__typename`), plus fragments, aliases,
//! errors and MLflow's limits, against a real server and store.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod support;

use cairn_server::Auth;
use serde_json::{Value, json};
use support::{TestServer, start};

const GET_RUN: &str = r#"
  query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetRun(input: $data) {
      apiError { helpUrl code message __typename }
      run {
        info { runName status runUuid experimentId artifactUri endTime lifecycleStage startTime userId __typename }
        experiment { experimentId name tags { key value __typename } artifactLocation lifecycleStage lastUpdateTime __typename }
        modelVersions { status version name source __typename }
        data {
          metrics { key value step timestamp __typename }
          params { key value __typename }
          tags { key value __typename }
          __typename
        }
        inputs {
          datasetInputs { dataset { digest name profile schema source sourceType __typename } tags { key value __typename } __typename }
          modelInputs { modelId __typename }
          __typename
        }
        outputs { modelOutputs { modelId step __typename } __typename }
        __typename
      }
      __typename
    }
  }
"#;

const GET_EXPERIMENT: &str = r#"
  query MlflowGetExperimentQuery($input: MlflowGetExperimentInput!) @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetExperiment(input: $input) {
      apiError { code message }
      experiment {
        artifactLocation creationTime effectiveTraceArchivalRetention experimentId
        lastUpdateTime lifecycleStage name tags { key value }
      }
    }
  }
"#;

const BULK_INTERVAL: &str = r#"
  query GetMetricHistoryBulkInterval($data: MlflowGetMetricHistoryBulkIntervalInput!)
  @component(name: "MLflow.ExperimentRunTracking") {
    mlflowGetMetricHistoryBulkInterval(input: $data) {
      __typename
      metrics { timestamp step runId key value }
      apiError { code message }
    }
  }
"#;

const SEARCH_RUNS: &str = r#"
  query SearchRuns($data: MlflowSearchRunsInput!) {
    mlflowSearchRuns(input: $data) {
      apiError { helpUrl code message }
      runs {
        info { runName status runUuid experimentId }
        experiment { experimentId name }
        data { metrics { key value step timestamp } params { key value } }
        modelVersions { version name creationTimestamp status source }
      }
      nextPageToken
    }
  }
"#;

fn graphql(server: &TestServer, query: &str, variables: Value) -> Value {
    let reply = server.post(
        "/graphql",
        json!({"query": query, "variables": variables, "operationName": null}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// A run in experiment 0 with a param, a tag, a NaN and a finite metric and a dataset, and a
/// registered version of its model.
fn seeded(server: &TestServer) -> String {
    let reply = server.post(
        "/api/2.0/mlflow/runs/create",
        json!({"experiment_id": "0", "run_name": "seeded", "start_time": 1000}),
    );
    let run_id = reply.json()["run"]["info"]["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let logged = server.post(
        "/api/2.0/mlflow/runs/log-batch",
        json!({"run_id": run_id,
               "params": [{"key": "lr", "value": "0.1"}],
               "tags": [{"key": "team", "value": "vision"}],
               "metrics": [{"key": "loss", "value": 0.5, "timestamp": 7, "step": 3},
                           {"key": "bad", "value": "NaN", "timestamp": 7, "step": 0}]}),
    );
    assert_eq!(logged.status, 200, "{}", logged.body);
    server.post(
        "/api/2.0/mlflow/runs/log-inputs",
        json!({"run_id": run_id, "datasets": [{"tags": [{"key": "mlflow.data.context", "value": "training"}],
               "dataset": {"name": "toy", "digest": "d1", "source_type": "local", "source": "{}"}}]}),
    );
    server.post(
        "/api/2.0/mlflow/registered-models/create",
        json!({"name": "clf"}),
    );
    let version = server.post(
        "/api/2.0/mlflow/model-versions/create",
        json!({"name": "clf", "source": format!("runs:/{run_id}/model"), "run_id": run_id}),
    );
    assert_eq!(version.status, 200, "{}", version.body);
    run_id
}

#[test]
fn the_uis_get_run_query_answers_the_run_with_its_experiment_and_model_versions() {
    let server = start(Auth::None);
    let run_id = seeded(&server);
    let answer = graphql(&server, GET_RUN, json!({"data": {"runId": run_id}}));
    assert_eq!(answer["errors"], Value::Null);
    let response = &answer["data"]["mlflowGetRun"];
    assert_eq!(response["__typename"], "MlflowGetRunResponse");
    assert_eq!(response["apiError"], Value::Null);
    let run = &response["run"];
    assert_eq!(run["__typename"], "MlflowRunExtension");
    assert_eq!(run["info"]["runUuid"], json!(run_id));
    assert_eq!(run["info"]["runName"], "seeded");
    assert_eq!(run["info"]["status"], "RUNNING");
    // int64 as strings (MLflow's LongString); an unset end time is protobuf's 0.
    assert_eq!(run["info"]["startTime"], "1000");
    assert_eq!(run["info"]["endTime"], "0");
    assert_eq!(run["experiment"]["name"], "Default");
    assert_eq!(run["experiment"]["__typename"], "MlflowExperiment");
    assert_eq!(run["modelVersions"][0]["name"], "clf");
    assert_eq!(run["modelVersions"][0]["version"], "1");
    let metrics = run["data"]["metrics"].as_array().unwrap();
    let loss = metrics.iter().find(|m| m["key"] == "loss").unwrap();
    assert_eq!(loss["value"], json!(0.5));
    assert_eq!(
        (loss["step"].clone(), loss["timestamp"].clone()),
        (json!("3"), json!("7"))
    );
    // NaN is not a GraphQL Float: null, as MLflow's extension answers it.
    let bad = metrics.iter().find(|m| m["key"] == "bad").unwrap();
    assert_eq!(bad["value"], Value::Null);
    assert_eq!(
        run["data"]["params"],
        json!([{"key": "lr", "value": "0.1", "__typename": "MlflowParam"}])
    );
    let input = &run["inputs"]["datasetInputs"][0];
    assert_eq!(input["dataset"]["sourceType"], "local");
    assert_eq!(
        input["dataset"]["profile"], "",
        "a field left out is protobuf's default"
    );
    assert_eq!(input["tags"][0]["value"], "training");
    assert_eq!(run["outputs"]["modelOutputs"], json!([]));
}

#[test]
fn the_uis_experiment_bulk_interval_and_search_queries_answer_in_mlflows_shape() {
    let server = start(Auth::None);
    let run_id = seeded(&server);
    let experiment = graphql(
        &server,
        GET_EXPERIMENT,
        json!({"input": {"experimentId": "0"}}),
    );
    let found = &experiment["data"]["mlflowGetExperiment"]["experiment"];
    assert_eq!(found["name"], "Default");
    assert_eq!(found["experimentId"], "0");
    assert!(found["creationTime"].is_string());

    let history = graphql(
        &server,
        BULK_INTERVAL,
        json!({"data": {"runIds": [run_id], "metricKey": "loss", "maxResults": 320}}),
    );
    let response = &history["data"]["mlflowGetMetricHistoryBulkInterval"];
    assert_eq!(
        response["__typename"],
        "MlflowGetMetricHistoryBulkIntervalResponse"
    );
    assert_eq!(
        response["metrics"],
        json!([{"timestamp": "7", "step": "3", "runId": run_id, "key": "loss", "value": 0.5}])
    );

    let search = graphql(
        &server,
        SEARCH_RUNS,
        json!({"data": {"experimentIds": ["0"], "filter": "params.lr = '0.1'",
                        "runViewType": "ACTIVE_ONLY", "maxResults": 10, "orderBy": ["attributes.start_time DESC"]}}),
    );
    assert_eq!(search["errors"], Value::Null, "{search}");
    let runs = search["data"]["mlflowSearchRuns"]["runs"]
        .as_array()
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["info"]["runUuid"], json!(run_id));
    assert_eq!(runs[0]["experiment"]["name"], "Default");
    assert_eq!(runs[0]["modelVersions"][0]["name"], "clf");
    assert_eq!(search["data"]["mlflowSearchRuns"]["nextPageToken"], "");
    // The same search as a mutation, and the datasets mutation.
    let mutation = graphql(
        &server,
        "mutation Find($data: MlflowSearchRunsInput) { mlflowSearchRuns(input: $data) { runs { info { runId } } } \
         datasets: mlflowSearchDatasets(input: {experimentIds: [\"0\"]}) { datasetSummaries { name digest context } } }",
        json!({"data": {"experimentIds": ["0"]}}),
    );
    assert_eq!(
        mutation["data"]["mlflowSearchRuns"]["runs"][0]["info"]["runId"],
        json!(run_id)
    );
    assert_eq!(
        mutation["data"]["datasets"]["datasetSummaries"],
        json!([{"name": "toy", "digest": "d1", "context": "training"}])
    );
}

#[test]
fn fragments_aliases_directives_and_inline_literals_are_honoured() {
    let server = start(Auth::None);
    let run_id = seeded(&server);
    let query = format!(
        r#"
        query Two($skip: Boolean = true) {{
          first: mlflowGetRun(input: {{runId: "{run_id}"}}) {{ run {{ ...Info data @skip(if: $skip) {{ params {{ key }} }} }} }}
          second: mlflowGetRun(input: {{runUuid: "{run_id}"}}) {{ run {{ ... on MlflowRunExtension {{ info {{ name: runName }} }} }} }}
          __typename
          test(inputString: "echo") {{ output }}
        }}
        fragment Info on MlflowRunExtension {{ info {{ runId }} }}
        "#
    );
    let answer = graphql(&server, &query, json!({}));
    assert_eq!(answer["errors"], Value::Null, "{answer}");
    let data = &answer["data"];
    assert_eq!(data["first"]["run"], json!({"info": {"runId": run_id}}));
    assert_eq!(data["second"]["run"], json!({"info": {"name": "seeded"}}));
    assert_eq!(data["__typename"], "Query");
    assert_eq!(data["test"], json!({"output": "echo"}));
    let shown = graphql(&server, &query, json!({"skip": false}));
    assert_eq!(
        shown["data"]["first"]["run"]["data"]["params"],
        json!([{"key": "lr"}])
    );
}

#[test]
fn errors_come_back_as_mlflows_list_of_messages() {
    let server = start(Auth::None);
    // A missing run: the field is null and the store's message is the error.
    let missing = graphql(
        &server,
        "query { mlflowGetRun(input: {runId: \"0123456789abcdef0123456789abcdef\"}) { run { info { runId } } } }",
        json!({}),
    );
    assert_eq!(missing["data"], json!({"mlflowGetRun": null}));
    let message = missing["errors"][0].as_str().unwrap();
    assert!(
        message.contains("0123456789abcdef0123456789abcdef"),
        "{message}"
    );
    // Fields the schema does not have fail validation: no data at all.
    let unknown = graphql(&server, "{ mlflowGetRun { run { nope } } }", json!({}));
    assert_eq!(unknown["data"], Value::Null);
    assert_eq!(
        unknown["errors"],
        json!(["Cannot query field 'nope' on type 'MlflowRunExtension'."])
    );
    let bad_input = graphql(
        &server,
        "{ mlflowGetRun(input: {nope: \"x\"}) { run { info { runId } } } }",
        json!({}),
    );
    assert_eq!(
        bad_input["errors"],
        json!(["Field 'nope' is not defined by type 'MlflowGetRunInput'."])
    );
    // Not a query at all: 400 in GraphQL's shape.
    for body in [
        json!({"query": "{ mlflowGetRun("}),
        json!({"variables": {}}),
    ] {
        let reply = server.post("/graphql", body);
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert_eq!(reply.json()["data"], Value::Null);
        assert!(reply.json()["errors"][0].is_string());
    }
}

#[test]
fn deep_wide_and_aliased_queries_are_refused_with_mlflows_limits() {
    let server = start(Auth::None);
    let deep = format!(
        "{{ mlflowGetRun(input: {{}}) {{ {}runId{} }} }}",
        "run { ".repeat(10),
        " }".repeat(10)
    );
    let many_aliases: String = (0..11).map(|i| format!("a{i}: runId ")).collect();
    let many_selections = format!(
        "{{ mlflowGetRun(input: {{}}) {{ run {{ info {{ {} }} }} }} }}",
        "runId ".repeat(1001)
    );
    for (query, message) in [
        (deep, "Query exceeds maximum depth of 10".to_string()),
        (
            format!("{{ mlflowGetRun(input: {{}}) {{ run {{ info {{ {many_aliases} }} }} }} }}"),
            "GraphQL queries should have at most 10 aliases, got 11 aliases.".to_string(),
        ),
        (
            many_selections,
            "Query exceeds maximum total selections of 1000".to_string(),
        ),
    ] {
        let answer = graphql(&server, &query, json!({}));
        assert_eq!(answer, json!({"data": null, "errors": [message]}));
    }
    let unaliased_roots: String = (0..11)
        .map(|_| "test(inputString: \"x\") { output } ")
        .collect();
    let answer = graphql(&server, &format!("{{ {unaliased_roots} }}"), json!({}));
    assert_eq!(
        answer["errors"],
        json!(["GraphQL queries should have at most 10 root fields, got 11 root fields."])
    );
}

#[test]
fn graphql_is_mounted_where_mlflow_mounts_it() {
    let server = start(Auth::None);
    let get = server
        .get("/graphql?query=%7B%20test(inputString%3A%20%22a%22)%20%7B%20output%20%7D%20%7D");
    assert_eq!(get.status, 200, "{}", get.body);
    assert_eq!(get.json()["data"]["test"]["output"], "a");
    let ajax = server.post("/ajax-api/graphql", json!({"query": "{ __typename }"}));
    assert_eq!(
        (ajax.status, ajax.error_code().as_str()),
        (404, "ENDPOINT_NOT_FOUND")
    );
}
