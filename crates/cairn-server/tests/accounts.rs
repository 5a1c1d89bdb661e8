//! A real `cairn serve --auth users` over a real store: who may do what, route family by route
//! family; searches that show only what a user may read; tokens, sessions and slowed guessing;
//! who did what in runs and the registry; and a policy entry for every route and UI command.
#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on anything unexpected; the support module is not #[test] code"
)]

mod support;

use base64::Engine as _;
use cairn_core::model::Permission;
use cairn_core::{AccountStore as _, SqliteStore};
use cairn_server::Auth;
use cairn_server::accounts::{policy_table, secrets};
use serde_json::{Value, json};
use support::{Reply, TestServer, start};

const PASSWORD: &str = "a long passphrase";

fn basic(user: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{PASSWORD}"))
    )
}

/// A server whose users get nothing by default, with an admin `root`.
fn team() -> TestServer {
    let server = start(Auth::Users {
        default_permission: Permission::NoPermissions,
    });
    let store = SqliteStore::open(&server.dir.path().join("cairn.db")).unwrap();
    let hash = secrets::hash_password(PASSWORD).unwrap();
    store.create_user("root", &hash, true).unwrap();
    server
}

fn call(server: &TestServer, user: &str, method: &str, path: &str, body: Option<Value>) -> Reply {
    let auth = basic(user);
    let mut headers = vec![("Authorization", auth.as_str())];
    let bytes = body.map(|body| body.to_string()).unwrap_or_default();
    if !bytes.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    server.send(method, path, &headers, bytes.as_bytes())
}

fn ok(reply: Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn add_user(server: &TestServer, name: &str) {
    ok(call(
        server,
        "root",
        "POST",
        "/api/2.0/mlflow/users/create",
        Some(json!({"username": name, "password": PASSWORD})),
    ));
}

/// alice's experiment with one run, a metric, an artifact and a registered model.
fn alices_work(server: &TestServer) -> (String, String) {
    add_user(server, "alice");
    add_user(server, "bob");
    let experiment = ok(call(
        server,
        "alice",
        "POST",
        "/api/2.0/mlflow/experiments/create",
        Some(json!({"name": "churn"})),
    ))["experiment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = ok(call(
        server,
        "alice",
        "POST",
        "/api/2.0/mlflow/runs/create",
        Some(
            json!({"experiment_id": experiment, "tags": [{"key": "mlflow.user", "value": "mallory"}]}),
        ),
    ));
    let run_id = run["run"]["info"]["run_id"].as_str().unwrap().to_owned();
    ok(call(
        server,
        "alice",
        "POST",
        "/api/2.0/mlflow/runs/log-batch",
        Some(
            json!({"run_id": run_id, "metrics": [{"key": "loss", "value": 0.5, "timestamp": 1, "step": 0}]}),
        ),
    ));
    let upload = call(
        server,
        "alice",
        "PUT",
        &format!("/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run_id}/artifacts/a.txt"),
        None,
    );
    assert_eq!(upload.status, 200, "{}", upload.body);
    ok(call(
        server,
        "alice",
        "POST",
        "/api/2.0/mlflow/registered-models/create",
        Some(json!({"name": "churn-model"})),
    ));
    (experiment, run_id)
}

#[test]
fn a_user_without_permission_is_refused_on_every_route_family_and_sees_nothing() {
    let server = team();
    let (experiment, run_id) = alices_work(&server);
    let refused = [
        (
            "GET",
            format!("/api/2.0/mlflow/experiments/get?experiment_id={experiment}"),
            None,
        ),
        (
            "POST",
            "/api/2.0/mlflow/runs/create".to_owned(),
            Some(json!({"experiment_id": experiment})),
        ),
        (
            "GET",
            format!("/api/2.0/mlflow/runs/get?run_id={run_id}"),
            None,
        ),
        (
            "POST",
            "/api/2.0/mlflow/runs/log-batch".to_owned(),
            Some(json!({"run_id": run_id, "params": [{"key": "x", "value": "1"}]})),
        ),
        (
            "POST",
            "/api/2.0/mlflow/runs/delete".to_owned(),
            Some(json!({"run_id": run_id})),
        ),
        (
            "POST",
            "/api/2.0/mlflow/runs/search".to_owned(),
            Some(json!({"experiment_ids": [experiment]})),
        ),
        (
            "GET",
            format!("/api/2.0/mlflow/metrics/get-history?run_id={run_id}&metric_key=loss"),
            None,
        ),
        (
            "GET",
            format!("/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run_id}/artifacts/a.txt"),
            None,
        ),
        (
            "PUT",
            format!("/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run_id}/artifacts/b.txt"),
            None,
        ),
        (
            "GET",
            format!("/api/2.0/mlflow-artifacts/presigned/{experiment}/{run_id}/artifacts/a.txt"),
            None,
        ),
        (
            "GET",
            format!("/get-artifact?run_uuid={run_id}&path=a.txt"),
            None,
        ),
        (
            "GET",
            "/api/2.0/mlflow/registered-models/get?name=churn-model".to_owned(),
            None,
        ),
        (
            "POST",
            "/api/2.0/mlflow/model-versions/create".to_owned(),
            Some(json!({"name": "churn-model", "source": "runs:/x/model"})),
        ),
        (
            "POST",
            "/app/api/get_run_page".to_owned(),
            Some(json!({"runId": run_id})),
        ),
        (
            "POST",
            "/app/api/list_runs".to_owned(),
            Some(
                json!({"request": {"experiment_ids": [experiment], "filter": "", "order_by": [], "max_results": 10, "offset": 0}}),
            ),
        ),
        ("GET", "/metrics".to_owned(), None),
        ("GET", "/api/2.0/mlflow/users/list".to_owned(), None),
    ];
    for (method, path, body) in refused {
        let reply = call(&server, "bob", method, &path, body);
        assert_eq!(reply.status, 403, "{method} {path}: {}", reply.body);
        assert_eq!(reply.error_code(), "PERMISSION_DENIED", "{path}");
    }
    let searched = ok(call(
        &server,
        "bob",
        "POST",
        "/api/2.0/mlflow/experiments/search",
        Some(json!({"max_results": 100})),
    ));
    assert!(
        searched["experiments"].as_array().is_none_or(|list| list
            .iter()
            .all(|e| e["experiment_id"] != experiment.as_str())),
        "{searched}"
    );
    let models = ok(call(
        &server,
        "bob",
        "GET",
        "/api/2.0/mlflow/registered-models/search",
        None,
    ));
    assert!(
        models["registered_models"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{models}"
    );
    let listed = ok(call(
        &server,
        "bob",
        "POST",
        "/app/api/list_experiments",
        Some(json!({})),
    ));
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["experiment_id"] != experiment.as_str()),
        "{listed}"
    );
    let owners = ok(call(
        &server,
        "alice",
        "POST",
        "/app/api/list_experiments",
        Some(json!({})),
    ));
    assert!(
        owners
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["experiment_id"] == experiment.as_str()),
        "{owners}"
    );
    // A run without an experiment id goes to the Default experiment, which bob may not write.
    let default = call(
        &server,
        "bob",
        "POST",
        "/api/2.0/mlflow/runs/create",
        Some(json!({})),
    );
    assert_eq!(default.status, 403, "{}", default.body);
    // bob's own model may not point at alice's run.
    ok(call(
        &server,
        "bob",
        "POST",
        "/api/2.0/mlflow/registered-models/create",
        Some(json!({"name": "bobs"})),
    ));
    for body in [
        json!({"name": "bobs", "source": format!("runs:/{run_id}/model")}),
        json!({"name": "bobs", "source": format!("mlflow-artifacts:/{experiment}/{run_id}/artifacts/model")}),
        json!({"name": "bobs", "source": "models:/churn-model/1"}),
        json!({"name": "bobs", "source": "s3://bucket/model", "run_id": run_id}),
    ] {
        let refused = call(
            &server,
            "bob",
            "POST",
            "/api/2.0/mlflow/model-versions/create",
            Some(body.clone()),
        );
        assert_eq!(refused.status, 403, "{body}: {}", refused.body);
    }
    // GraphQL answers through the same policy.
    let query = json!({"query": format!("{{ mlflowGetRun(input: {{runId: \"{run_id}\"}}) {{ run {{ info {{ runId }} }} }} }}")});
    let theirs = call(&server, "bob", "POST", "/graphql", Some(query.clone()));
    assert!(theirs.body.contains("permission denied"), "{}", theirs.body);
    assert!(
        !theirs.body.contains(&format!("\"runId\":\"{run_id}\"")),
        "{}",
        theirs.body
    );
    let own = call(&server, "alice", "POST", "/graphql", Some(query));
    assert!(
        own.body.contains(&format!("\"runId\":\"{run_id}\"")),
        "{}",
        own.body
    );
    // Nobody signed in reaches nothing but the open routes.
    assert_eq!(
        server
            .get(&format!("/api/2.0/mlflow/runs/get?run_id={run_id}"))
            .status,
        401
    );
    assert_eq!(server.get("/health").status, 200);
}

#[test]
fn shares_and_groups_grant_what_they_say_and_a_users_own_grant_wins() {
    let server = team();
    let (experiment, run_id) = alices_work(&server);
    let share = |principal_type: &str, principal: &str, permission: &str| {
        ok(call(
            &server,
            "alice",
            "POST",
            "/api/2.0/cairn/permissions/set",
            Some(
                json!({"resource_type": "experiment", "resource_id": experiment,
                "principal_type": principal_type, "principal": principal, "permission": permission}),
            ),
        ))
    };
    share("user", "bob", "READ");
    let log = || {
        call(
            &server,
            "bob",
            "POST",
            "/api/2.0/mlflow/runs/log-batch",
            Some(json!({"run_id": run_id, "params": [{"key": "x", "value": "1"}]})),
        )
    };
    ok(call(
        &server,
        "bob",
        "GET",
        &format!("/api/2.0/mlflow/runs/get?run_id={run_id}"),
        None,
    ));
    assert_eq!(log().status, 403);
    // bob cannot share what he only reads.
    let reshare = call(
        &server,
        "bob",
        "POST",
        "/api/2.0/cairn/permissions/set",
        Some(
            json!({"resource_type": "experiment", "resource_id": experiment,
            "principal_type": "user", "principal": "bob", "permission": "MANAGE"}),
        ),
    );
    assert_eq!(reshare.status, 403);
    // A group's EDIT does not lift bob's own READ; without his own grant it does.
    ok(call(
        &server,
        "root",
        "POST",
        "/api/2.0/cairn/groups/create",
        Some(json!({"name": "ml"})),
    ));
    ok(call(
        &server,
        "root",
        "POST",
        "/api/2.0/cairn/groups/add-member",
        Some(json!({"group": "ml", "username": "bob"})),
    ));
    share("group", "ml", "EDIT");
    assert_eq!(log().status, 403);
    ok(call(
        &server,
        "alice",
        "POST",
        "/api/2.0/cairn/permissions/remove",
        Some(
            json!({"resource_type": "experiment", "resource_id": experiment, "principal_type": "user", "principal": "bob"}),
        ),
    ));
    assert_eq!(log().status, 200);
    let listed = ok(call(
        &server,
        "bob",
        "GET",
        &format!(
            "/api/2.0/cairn/permissions/list?resource_type=experiment&resource_id={experiment}"
        ),
        None,
    ));
    assert_eq!(listed["your_permission"], "EDIT", "{listed}");
    let history = ok(call(
        &server,
        "alice",
        "GET",
        &format!(
            "/api/2.0/cairn/permissions/history?resource_type=experiment&resource_id={experiment}"
        ),
        None,
    ));
    let changes: Vec<(String, String, Value, Value)> = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["actor"].as_str().unwrap().to_owned(),
                entry["principal"].as_str().unwrap().to_owned(),
                entry["old_permission"].clone(),
                entry["new_permission"].clone(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("alice".into(), "alice".into(), Value::Null, json!("MANAGE")),
            ("alice".into(), "bob".into(), Value::Null, json!("READ")),
            ("alice".into(), "ml".into(), Value::Null, json!("EDIT")),
            ("alice".into(), "bob".into(), json!("READ"), Value::Null),
        ]
    );
    // MLflow 3's grant routes and the classic ones agree.
    ok(call(
        &server,
        "alice",
        "POST",
        "/api/3.0/mlflow/users/permissions/grant",
        Some(
            json!({"username": "bob", "resource_type": "registered_model", "resource_id": "churn-model", "permission": "READ"}),
        ),
    ));
    let got = ok(call(
        &server,
        "alice",
        "GET",
        "/api/2.0/mlflow/registered-models/permissions/get?name=churn-model&username=bob",
        None,
    ));
    assert_eq!(got["registered_model_permission"]["permission"], "READ");
    ok(call(
        &server,
        "bob",
        "GET",
        "/api/2.0/mlflow/registered-models/get?name=churn-model",
        None,
    ));
}

#[test]
fn runs_and_the_registry_record_the_signed_in_user() {
    let server = team();
    let (_, run_id) = alices_work(&server);
    let run = ok(call(
        &server,
        "alice",
        "GET",
        &format!("/api/2.0/mlflow/runs/get?run_id={run_id}"),
        None,
    ));
    assert_eq!(run["run"]["info"]["user_id"], "alice");
    let tags = run["run"]["data"]["tags"].as_array().unwrap();
    assert!(
        tags.iter()
            .any(|tag| tag["key"] == "mlflow.user" && tag["value"] == "alice"),
        "{tags:?}"
    );
    ok(call(
        &server,
        "alice",
        "POST",
        "/api/2.0/mlflow/model-versions/create",
        Some(
            json!({"name": "churn-model", "source": format!("runs:/{run_id}/model"), "run_id": run_id}),
        ),
    ));
    ok(call(
        &server,
        "alice",
        "POST",
        "/api/2.0/mlflow/model-versions/transition-stage",
        Some(json!({"name": "churn-model", "version": "1", "stage": "Production"})),
    ));
    ok(call(
        &server,
        "alice",
        "POST",
        "/app/api/set_model_alias",
        Some(
            json!({"name": "churn-model", "alias": "champion", "version": 1, "userId": "mallory"}),
        ),
    ));
    let me = ok(call(
        &server,
        "alice",
        "POST",
        "/app/api/app_user",
        Some(json!({})),
    ));
    assert_eq!(me["user"], "alice");
    let history = ok(call(
        &server,
        "alice",
        "POST",
        "/app/api/model_history",
        Some(json!({"name": "churn-model"})),
    ));
    let entries = history.as_array().unwrap();
    assert!(entries.len() >= 3, "{history}");
    assert!(!history.to_string().contains("mallory"), "{history}");
    assert!(
        entries
            .iter()
            .all(|entry| entry.to_string().contains("alice")),
        "{history}"
    );
}

#[test]
fn tokens_sessions_and_removed_users() {
    let server = team();
    add_user(&server, "carol");
    let made = ok(call(
        &server,
        "carol",
        "POST",
        "/api/2.0/cairn/tokens/create",
        Some(json!({"name": "laptop"})),
    ));
    let secret = made["secret"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {secret}");
    let with_token =
        |path: &str| server.send("GET", path, &[("Authorization", bearer.as_str())], b"");
    assert_eq!(with_token("/api/2.0/mlflow/users/current").status, 200);
    let listed = ok(call(
        &server,
        "carol",
        "GET",
        "/api/2.0/cairn/tokens/list",
        None,
    ));
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is shown once: {listed}"
    );
    // A browser session.
    let login = server.post(
        "/app/auth/login",
        json!({"username": "carol", "password": PASSWORD}),
    );
    assert_eq!(login.status, 200, "{}", login.body);
    let cookie_line = login
        .head
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap();
    assert!(
        cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Strict"),
        "{cookie_line}"
    );
    let cookie = cookie_line
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let session = server.send(
        "GET",
        "/app/auth/session",
        &[("Cookie", cookie.as_str())],
        b"",
    );
    assert_eq!(
        session.json()["user"]["username"],
        "carol",
        "{}",
        session.body
    );
    // Removing the user ends the token and the session at once.
    ok(call(
        &server,
        "root",
        "DELETE",
        "/api/2.0/mlflow/users/delete",
        Some(json!({"username": "carol"})),
    ));
    assert_eq!(with_token("/api/2.0/mlflow/users/current").status, 401);
    let after = server.send(
        "GET",
        "/app/auth/session",
        &[("Cookie", cookie.as_str())],
        b"",
    );
    assert_eq!(after.json()["user"], Value::Null);
}

#[test]
fn failed_sign_ins_are_slowed_without_telling_which_names_exist() {
    let server = team();
    add_user(&server, "dave");
    let attempt = |name: &str| {
        server.post(
            "/app/auth/login",
            json!({"username": name, "password": "wrong password"}),
        )
    };
    let (real, unknown) = (attempt("dave"), attempt("nobody"));
    assert_eq!((real.status, unknown.status), (401, 401));
    assert_eq!(real.json()["message"], unknown.json()["message"]);
    assert!(!real.body.contains("wrong password"));
    for _ in 0..6 {
        attempt("dave");
    }
    let slowed = attempt("dave");
    assert_eq!(slowed.status, 429, "{}", slowed.body);
    assert!(
        slowed.head.to_ascii_lowercase().contains("retry-after:"),
        "{}",
        slowed.head
    );
    // Even the right password waits its turn.
    let right = server.post(
        "/app/auth/login",
        json!({"username": "dave", "password": PASSWORD}),
    );
    assert_eq!(right.status, 429);
}

/// A sign-in attempt under a name of its own (so only the per-address count can slow it), sent
/// with `X-Forwarded-For` lines as a proxy would pass them on.
fn attempt_forwarded(server: &TestServer, name: &str, forwarded_for: &[&str]) -> u16 {
    let body = json!({"username": name, "password": "wrong password"}).to_string();
    let mut headers = vec![("Content-Type", "application/json")];
    headers.extend(forwarded_for.iter().map(|line| ("X-Forwarded-For", *line)));
    server
        .send("POST", "/app/auth/login", &headers, body.as_bytes())
        .status
}

/// Failures from one address that go without a wait (the server's `FREE_ADDRESS_FAILURES`).
const FREE_ADDRESS_FAILURES: usize = 50;

#[test]
fn behind_a_trusted_proxy_failed_sign_ins_are_counted_per_forwarded_client() {
    let server = support::start_setup(support::Setup {
        trusted_proxies: cairn_server::client_address::TrustedProxies::parse(&["127.0.0.1"])
            .unwrap(),
        ..support::Setup::new(Auth::Users {
            default_permission: Permission::NoPermissions,
        })
    });
    for index in 0..FREE_ADDRESS_FAILURES {
        let status = attempt_forwarded(&server, &format!("guess{index}"), &["203.0.113.1"]);
        assert_eq!(status, 401, "attempt {index}");
    }
    assert_eq!(
        attempt_forwarded(&server, "one-more", &["203.0.113.1"]),
        429,
        "the guessing client is slowed"
    );
    // Another client behind the same proxy is not.
    assert_eq!(
        attempt_forwarded(&server, "colleague", &["203.0.113.2"]),
        401
    );
    // The guessing client cannot pass for someone else by writing the header itself: the
    // proxy appends the address it saw, and that is what counts.
    assert_eq!(
        attempt_forwarded(&server, "spoofed", &["203.0.113.2, 203.0.113.1"]),
        429
    );
    assert_eq!(
        attempt_forwarded(&server, "spoofed-line", &["203.0.113.2", "203.0.113.1"]),
        429
    );
}

#[test]
fn without_a_trusted_proxy_x_forwarded_for_is_ignored() {
    let server = team();
    for index in 0..FREE_ADDRESS_FAILURES {
        let forwarded = format!("198.51.100.{index}");
        let status = attempt_forwarded(&server, &format!("guess{index}"), &[forwarded.as_str()]);
        assert_eq!(status, 401, "attempt {index}");
    }
    assert_eq!(
        attempt_forwarded(&server, "one-more", &["198.51.100.250"]),
        429,
        "every attempt came from 127.0.0.1, whatever the header said"
    );
}

/// Every `.route("...")` in the server's route modules has an entry in the policy table, and
/// every UI command one in its command table.
#[test]
fn every_route_and_command_has_a_policy_entry() {
    let routes_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut missing = Vec::new();
    let mut files = vec![routes_dir.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .map(|entry| entry.unwrap().path()),
            );
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join("");
        for piece in squeezed.split(".route(\"").skip(1) {
            // As a request's template is looked up: `/ajax-api/...` as `/api/...`.
            let normalised = policy_table::normalise(piece.split('"').next().unwrap());
            let template = normalised.as_ref();
            let covered = policy_table::ROUTES.iter().any(|(_, entry, _)| {
                entry.ends_with(template) || (template == "/" && entry.ends_with("/events"))
            });
            if !covered {
                missing.push(format!("{} {template}", path.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes with no policy entry: {missing:#?}"
    );
    let commands: Vec<&str> = cairn_app::commands::names()
        .filter(|name| policy_table::command(name).is_none())
        .collect();
    assert!(
        commands.is_empty(),
        "UI commands with no policy entry: {commands:?}"
    );
}
