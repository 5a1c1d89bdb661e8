//! `cairn models`: the registry from a terminal. Reads go through `cairn_app`'s registry views
//! (the same records the app serves); changes through `cairn_core::registry` with origin `cli`,
//! by `cairn_app::models::app_user`. This file parses and prints.

use cairn_app::models::app_user;
use cairn_app::registry::{HistoryView, model_history, resolve_model_uri};
use cairn_app::registry_views::{
    ModelVersionView, RegisteredModelView, model_versions, registered_model, registered_models,
};
use cairn_core::Store;
use cairn_core::model::ModelStage;
use cairn_core::registry::{self, Promotion};

use crate::args::ModelsCommand;
use crate::output::{Table, format_time};

fn stage_summary(model: &RegisteredModelView) -> String {
    model
        .latest_versions
        .iter()
        .filter(|version| version.stage != ModelStage::None.as_str())
        .map(|version| format!("{}: v{}", version.stage, version.version))
        .collect::<Vec<_>>()
        .join(", ")
}

fn alias_summary(model: &RegisteredModelView) -> String {
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
            let models = registered_models(store)?;
            if json {
                return super::print_json(&models);
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
            let model = registered_model(store, &name)?;
            if json {
                return super::print_json(&model);
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
            let versions = model_versions(store, &name)?;
            if json {
                return super::print_json(&versions);
            }
            let mut table = Table::new(["VERSION", "STAGE", "ALIASES", "RUN", "SOURCE", "CREATED"]);
            for version in &versions {
                table.row([
                    version.version.to_string(),
                    version.stage.clone(),
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
                &super::run_ids::resolve(store, &run_id)?,
                &artifact_path,
                &name,
                &app_user(),
                // Recorded under the store's own origin, as before.
                "",
            )?;
            if json {
                return super::print_json(&ModelVersionView::from(&version));
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
            let stage: ModelStage = stage.parse()?;
            let moved = registry::promote(
                store,
                &Promotion {
                    name,
                    version,
                    stage,
                    archive_existing,
                    comment,
                    user_id: app_user(),
                    origin: "cli".to_owned(),
                    gate_report: None,
                },
            )?;
            if json {
                return super::print_json(&ModelVersionView::from(&moved));
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
            store.set_model_alias(&name, &alias, version, &app_user(), "cli")?;
            if !json {
                outln!("{name}@{alias} now points at version {version}")?;
            } else {
                super::print_json(&serde_json::json!({
                    "name": name, "alias": alias, "version": version
                }))?;
            }
        }
        ModelsCommand::Resolve { uri } => {
            let resolved = resolve_model_uri(store, &uri)?;
            if json {
                return super::print_json(&resolved);
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
            let history: Vec<HistoryView> = model_history(store, &name)?;
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
