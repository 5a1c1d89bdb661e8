//! `cairn models`: the registry from a terminal. The work is done by `cairn_core::registry`,
//! shared with the server and the app; this file parses and prints.

use anyhow::Context;
use cairn_app::registry::{HistoryView, ResolvedModelView};
use cairn_core::Store;
use cairn_core::model::{ModelStage, ModelVersion, RegisteredModel};
use cairn_core::registry::{self, Promotion};
use serde::Serialize;

use crate::args::ModelsCommand;
use crate::output::{Table, format_time};

/// Who the history says made a change: $USER, else `cairn`.
pub fn current_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|user| !user.is_empty())
        .unwrap_or_else(|| "cairn".to_owned())
}

#[derive(Serialize)]
struct VersionView {
    name: String,
    version: u64,
    stage: String,
    aliases: Vec<String>,
    source: String,
    run_id: Option<String>,
    user_id: String,
    description: String,
    creation_time_ms: i64,
    last_updated_time_ms: i64,
}

impl From<&ModelVersion> for VersionView {
    fn from(version: &ModelVersion) -> Self {
        VersionView {
            name: version.name.clone(),
            version: version.version,
            stage: version.current_stage.as_str().to_owned(),
            aliases: version.aliases.clone(),
            source: version.source.clone(),
            run_id: version.run_id.clone(),
            user_id: version.user_id.clone(),
            description: version.description.clone(),
            creation_time_ms: version.creation_time_ms,
            last_updated_time_ms: version.last_updated_time_ms,
        }
    }
}

#[derive(Serialize)]
struct ModelView {
    name: String,
    description: String,
    creation_time_ms: i64,
    last_updated_time_ms: i64,
    aliases: std::collections::BTreeMap<String, u64>,
    latest_versions: Vec<VersionView>,
}

impl From<&RegisteredModel> for ModelView {
    fn from(model: &RegisteredModel) -> Self {
        ModelView {
            name: model.name.clone(),
            description: model.description.clone(),
            creation_time_ms: model.creation_time_ms,
            last_updated_time_ms: model.last_updated_time_ms,
            aliases: model.aliases.iter().cloned().collect(),
            latest_versions: model.latest_versions.iter().map(Into::into).collect(),
        }
    }
}

fn stage_summary(model: &RegisteredModel) -> String {
    model
        .latest_versions
        .iter()
        .filter(|version| version.current_stage != ModelStage::None)
        .map(|version| format!("{}: v{}", version.current_stage.as_str(), version.version))
        .collect::<Vec<_>>()
        .join(", ")
}

fn alias_summary(model: &RegisteredModel) -> String {
    model
        .aliases
        .iter()
        .map(|(alias, version)| format!("@{alias}: v{version}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run(store: &dyn Store, command: ModelsCommand, json: bool) -> anyhow::Result<()> {
    match command {
        ModelsCommand::List => {
            let models = store.list_registered_models()?;
            if json {
                let views: Vec<ModelView> = models.iter().map(Into::into).collect();
                return super::print_json(&views);
            }
            let mut table = Table::new(["NAME", "STAGES", "ALIASES", "UPDATED"]);
            for model in &models {
                table.row([
                    model.name.clone(),
                    stage_summary(model),
                    alias_summary(model),
                    format_time(model.last_updated_time_ms),
                ]);
            }
            table.print()?;
        }
        ModelsCommand::Show { name } => {
            let model = store.get_registered_model(&name)?;
            if json {
                return super::print_json(&ModelView::from(&model));
            }
            let mut overview = Table::plain();
            overview.row(["name".into(), model.name.clone()]);
            overview.row(["description".into(), model.description.clone()]);
            overview.row(["stages".into(), stage_summary(&model)]);
            overview.row(["aliases".into(), alias_summary(&model)]);
            overview.row(["updated".into(), format_time(model.last_updated_time_ms)]);
            overview.print()?;
        }
        ModelsCommand::Versions { name } => {
            let versions = store.list_model_versions(&name)?;
            if json {
                let views: Vec<VersionView> = versions.iter().map(Into::into).collect();
                return super::print_json(&views);
            }
            let mut table = Table::new(["VERSION", "STAGE", "ALIASES", "RUN", "SOURCE", "CREATED"]);
            for version in &versions {
                table.row([
                    version.version.to_string(),
                    version.current_stage.as_str().to_owned(),
                    version
                        .aliases
                        .iter()
                        .map(|alias| format!("@{alias}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    version.run_id.clone().unwrap_or_default(),
                    version.source.clone(),
                    format_time(version.creation_time_ms),
                ]);
            }
            table.print()?;
        }
        ModelsCommand::Register {
            run_id,
            artifact_path,
            name,
        } => {
            let version = registry::register_run_model(
                store,
                &run_id,
                &artifact_path,
                &name,
                &current_user(),
            )?;
            if json {
                return super::print_json(&VersionView::from(&version));
            }
            outln!(
                "registered {} version {} from {}",
                version.name,
                version.version,
                version.source
            )?;
        }
        ModelsCommand::Promote {
            name,
            version,
            stage,
            archive_existing,
            comment,
        } => {
            let stage = ModelStage::parse(&stage).with_context(|| {
                format!("'{stage}' is not a stage: None, Staging, Production or Archived")
            })?;
            let moved = registry::promote(
                store,
                &Promotion {
                    name,
                    version,
                    stage,
                    archive_existing,
                    comment,
                    user_id: current_user(),
                    origin: "cli".to_owned(),
                    gate_report: None,
                },
            )?;
            if json {
                return super::print_json(&VersionView::from(&moved));
            }
            outln!(
                "{} version {} is now in {}",
                moved.name,
                moved.version,
                moved.current_stage.as_str()
            )?;
        }
        ModelsCommand::Alias {
            name,
            alias,
            version,
        } => {
            store.set_model_alias(&name, &alias, version, &current_user(), "cli")?;
            if !json {
                outln!("{name}@{alias} now points at version {version}")?;
            } else {
                super::print_json(&serde_json::json!({
                    "name": name, "alias": alias, "version": version
                }))?;
            }
        }
        ModelsCommand::Resolve { uri } => {
            let resolved = registry::resolve_uri(store, &uri)?;
            if json {
                return super::print_json(&ResolvedModelView::from(resolved));
            }
            let mut overview = Table::plain();
            overview.row(["name".into(), resolved.name.clone()]);
            overview.row(["version".into(), resolved.version.to_string()]);
            overview.row(["stage".into(), resolved.stage.clone()]);
            overview.row(["source".into(), resolved.source.clone()]);
            overview.row(["run".into(), resolved.run_id.clone().unwrap_or_default()]);
            overview.row(["artifacts".into(), resolved.artifact_location.clone()]);
            overview.print()?;
        }
        ModelsCommand::History { name } => {
            let history: Vec<HistoryView> = store
                .registry_history(&name)?
                .iter()
                .map(Into::into)
                .collect();
            if json {
                return super::print_json(&history);
            }
            let mut table = Table::new([
                "TIME", "VERSION", "CHANGE", "FROM", "TO", "ALIAS", "WHO", "ORIGIN", "GATE",
                "COMMENT",
            ]);
            for entry in &history {
                table.row([
                    format_time(entry.time_ms),
                    entry.version.map(|v| v.to_string()).unwrap_or_default(),
                    entry.change.clone(),
                    entry.from_stage.clone().unwrap_or_default(),
                    entry.to_stage.clone().unwrap_or_default(),
                    entry
                        .alias
                        .as_ref()
                        .map(|alias| format!("@{alias}"))
                        .unwrap_or_default(),
                    entry.user_id.clone(),
                    entry.origin.clone(),
                    if entry.gate_report.is_some() {
                        "report"
                    } else {
                        ""
                    }
                    .to_owned(),
                    entry.comment.clone(),
                ]);
            }
            table.print()?;
        }
    }
    Ok(())
}
