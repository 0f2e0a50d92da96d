//! The detail screen through `update`: tabs and their cursor, each tab's loading, export, and
//! Enter on the Lineage tab opening a run.

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::fixtures;
use crate::app::screens::{DetailTab, Screen};
use crate::app::state::{StartAt, State, StatusLevel};
use crate::app::update;
use crate::app::update::testing::*;

#[test]
fn detail_tabs_switch_by_number_and_wrap() {
    let mut s = state();
    let fx = s.start(StartAt::Version("credit-risk-scorer".into(), "3".into()));
    assert_eq!(
        fx.len(),
        3,
        "models, versions and the version load together: {fx:?}"
    );
    update(
        &mut s,
        Action::DetailLoaded {
            request: detail_request(&fx),
            result: Ok(Box::new(fixtures::detail("credit-risk-scorer", 3))),
        },
    );
    let tab = |s: &State| match s.top() {
        Screen::Detail(d) => d.tab,
        _ => panic!("not on the detail"),
    };
    assert_eq!(tab(&s), DetailTab::Overview);
    update(&mut s, Action::SelectTab(2));
    assert_eq!(tab(&s), DetailTab::Metrics);
    let selected = |s: &State| match s.top() {
        Screen::Detail(d) => d.cursor.selected,
        _ => panic!(),
    };
    assert_eq!(selected(&s), 1, "the Metrics heading is skipped");
    update(&mut s, Action::MoveUp);
    assert_eq!(selected(&s), 1, "and cannot be selected going up");
    update(&mut s, Action::Last);
    assert_eq!(selected(&s), 10);
    update(&mut s, Action::MoveUp);
    update(&mut s, Action::MoveUp);
    assert_eq!(selected(&s), 7, "the Params heading (8) is stepped over");
    update(&mut s, Action::NextTab);
    assert_eq!(tab(&s), DetailTab::Fairness);
    update(&mut s, Action::SelectTab(7));
    update(&mut s, Action::NextTab);
    assert_eq!(tab(&s), DetailTab::Overview, "Tab wraps around");
    update(&mut s, Action::PrevTab);
    assert_eq!(tab(&s), DetailTab::Audit, "Shift-Tab wraps back");
    update(&mut s, Action::SelectTab(9));
    assert_eq!(tab(&s), DetailTab::Audit, "no tab 9");
    update(&mut s, Action::Back);
    assert!(matches!(s.top(), Screen::Versions(v) if v.model == "credit-risk-scorer"));
}

#[test]
fn each_tab_asks_for_its_data_once_and_again_on_refresh() {
    let mut s = with_detail();
    let count = |fx: &[Effect], f: &dyn Fn(&Effect) -> bool| fx.iter().filter(|e| f(e)).count();
    let is_history = |e: &Effect| matches!(e, Effect::LoadHistory { .. });
    let is_monitoring = |e: &Effect| matches!(e, Effect::LoadMonitoring { .. });
    let is_lineage = |e: &Effect| matches!(e, Effect::LoadLineage { .. });

    let fx = update(&mut s, Action::SelectTab(2));
    assert_eq!(
        count(&fx, &is_history),
        1,
        "the selected metric's history: {fx:?}"
    );
    let fx = update(&mut s, Action::MoveDown);
    assert_eq!(count(&fx, &is_history), 1, "the next metric's");
    let fx = update(&mut s, Action::MoveUp);
    assert_eq!(count(&fx, &is_history), 0, "cached");

    let fx = update(&mut s, Action::SelectTab(4));
    assert_eq!(count(&fx, &is_monitoring), 1);
    let fx = update(&mut s, Action::SelectTab(5));
    assert_eq!(count(&fx, &is_lineage), 1);
    update(&mut s, Action::SelectTab(4));
    let fx = update(&mut s, Action::SelectTab(5));
    assert_eq!(
        count(&fx, &is_monitoring) + count(&fx, &is_lineage),
        0,
        "kept"
    );

    // r: everything asked for again; drift and lineage keep showing what they had meanwhile.
    let fx = update(&mut s, Action::Refresh);
    assert_eq!(count(&fx, &is_monitoring), 1, "{fx:?}");
    assert_eq!(count(&fx, &is_lineage), 1, "{fx:?}");
    let fx = update(&mut s, Action::SelectTab(2));
    assert_eq!(
        count(&fx, &is_history),
        1,
        "histories are forgotten on refresh"
    );
}

#[test]
fn export_writes_the_version_on_screen_to_a_predictable_folder() {
    let mut s = state();
    s.start(StartAt::Version("O'Brien churn".into(), "3".into()));
    let fx = update(&mut s, Action::Export);
    let export = fx.iter().find_map(|e| match e {
        Effect::Export {
            model,
            version,
            dir,
        } => Some((model.clone(), version.clone(), dir.clone())),
        _ => None,
    });
    let (model, version, dir) = export.expect("an export effect");
    assert_eq!((model.as_str(), version.as_str()), ("O'Brien churn", "3"));
    // Server names never reach the file system unfiltered.
    let dir = dir.to_string_lossy().into_owned();
    assert!(
        dir.starts_with("tollgate-evidence/") && !dir.contains('\''),
        "{dir}"
    );
    assert!(status(&s).1.contains("exporting"));
    update(
        &mut s,
        Action::ExportDone {
            result: Ok((std::path::PathBuf::from("tollgate-evidence/x-v3"), 12)),
        },
    );
    assert_eq!(
        status(&s).1,
        "evidence pack: 12 files in tollgate-evidence/x-v3"
    );
    update(
        &mut s,
        Action::ExportDone {
            result: Err("disk full".into()),
        },
    );
    assert_eq!(status(&s).0, StatusLevel::Error);
}

#[test]
fn export_does_nothing_outside_a_version() {
    let mut s = with_models(3);
    let fx = update(&mut s, Action::Export);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Export { .. })));
}

/// A lineage tree whose source run has a readable parent run.
fn lineage_with_parent(s: &State) -> std::sync::Arc<crate::evidence::lineage::LineageNode> {
    use std::collections::HashMap;
    let Screen::Detail(d) = s.top() else { panic!() };
    let detail = d.data.data.as_ref().unwrap();
    let mut run = detail.run.run().unwrap().clone();
    run.data.tags.push(crate::mlflow::Tag {
        key: "mlflow.parentRunId".into(),
        value: "parent0001".into(),
    });
    let mut parent = crate::mlflow::Run::default();
    parent.info.run_id = "parent0001".into();
    parent.info.run_name = Some("hpo-sweep".into());
    let runs: HashMap<String, crate::mlflow::Run> = [("parent0001".to_string(), parent)].into();
    let experiments = HashMap::new();
    let input = crate::evidence::lineage::LineageInput {
        version: &detail.version,
        logged_model: None,
        source_run: Some(&run),
        runs: &runs,
        experiments: &experiments,
        dataset_users: &[],
    };
    std::sync::Arc::new(crate::evidence::lineage::build_lineage(&input))
}

#[test]
fn enter_on_a_parent_run_opens_the_run_view_and_esc_returns_to_lineage() {
    use crate::evidence::lineage::NodeKind;
    let mut s = with_detail();
    let fx = update(&mut s, Action::SelectTab(5));
    let Some(Effect::LoadLineage { request, .. }) = fx
        .iter()
        .find(|e| matches!(e, Effect::LoadLineage { .. }))
        .cloned()
    else {
        panic!("{fx:?}")
    };
    let tree = lineage_with_parent(&s);
    update(
        &mut s,
        Action::LineageLoaded {
            request,
            result: Ok(tree),
        },
    );
    let row = {
        let Screen::Detail(d) = s.top() else { panic!() };
        crate::app::screens::tree_lines(d.lineage_tree().unwrap(), &d.lineage.folded)
            .iter()
            .position(|(_, l)| l.node.kind == NodeKind::ParentRun)
            .expect("a parent run node")
    };
    for _ in 0..row {
        update(&mut s, Action::MoveDown);
    }
    let fx = update(&mut s, Action::Open);
    let Some(Effect::LoadRun { request, run_id }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(run_id, "parent0001");
    assert_eq!(s.screens.len(), 4, "models, versions, detail, run");
    assert!(s.top().crumb().starts_with("run "), "{}", s.top().crumb());

    let mut parent = fixtures::detail("credit-risk-scorer", 4)
        .run
        .run()
        .unwrap()
        .clone();
    parent.info.run_id = "parent0001".into();
    parent.info.run_name = Some("hpo-sweep".into());
    let fx = update(
        &mut s,
        Action::RunLoaded {
            request,
            result: Ok(Box::new(parent)),
        },
    );
    assert_eq!(s.top().crumb(), "run hpo-sweep");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::LoadHistory { run_id, .. } if run_id == "parent0001")),
        "the first metric's curve is asked for: {fx:?}"
    );
    let fx = update(&mut s, Action::ToggleTimeAxis);
    assert!(fx.is_empty());
    let Screen::Run(r) = s.top() else { panic!() };
    assert!(r.by_time);

    update(&mut s, Action::Back);
    let Screen::Detail(d) = s.top() else {
        panic!("back on the detail")
    };
    assert_eq!(d.tab, DetailTab::Lineage);
}
