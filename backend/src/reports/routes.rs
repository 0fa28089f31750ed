//! The report API (REP-*): reads of a survey's frozen release. Leadership
//! results describe identifiable role holders, so every read is recorded
//! (GDPR-1). A group outside what a leader leads is "not found".

use actix_web::{get, web, HttpResponse};
use tillit_api::{
    ExportQuery, Figure, GroupKind, GroupReport, Heatmap, HeatmapRow, HiddenReason, Language,
    ReportGroup, ReportIndex, Role, SurveyId, TopicFlag,
};

use super::compare::BENCHMARK;
use super::export;
use super::read::{self, Scope};
use crate::audit::Action;
use crate::auth::identity::{AgencyStaff, Auth, Identity};
use crate::error::AppError;
use crate::openapi::{Authed, Conflict, NotFound};
use crate::params::{ReportGroupPath, SurveyPath};
use crate::state::AppState;
use crate::util::utc;
use crate::work::Tx;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(report_index)
        .service(group_report)
        .service(group_csv)
        .service(heatmap);
}

/// Runs `f` on the survey's release and what `who` may see of it, as a
/// read recorded as `action` on the survey.
async fn on_release<T: Send + 'static>(
    state: &AppState,
    who: &Identity,
    action: Action,
    survey: SurveyId,
    f: impl FnOnce(&mut Tx<'_>, read::Release, Scope) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let leader = (who.role == Role::Leader).then(|| who.user_id());
    let frozen = state.questionnaires.clone();
    let object = Some(survey.to_string());
    state
        .audited_read(who, action, object, move |tx| {
            let r = read::release(tx, &survey, &frozen)?;
            let scope = Scope::of(tx, &r.id, leader)?;
            f(tx, r, scope)
        })
        .await
}

/// A closed survey's report: its questions and the groups the reader may
/// open (REP-1). Leaders get the groups they lead; the agency's admins
/// every group. Made about a minute after closing: before that, 409
/// `report_not_ready`.
#[utoipa::path(
    tag = "reports",
    params(SurveyPath),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "The report's contents", body = ReportIndex),
        Authed, NotFound, Conflict,
    )
)]
#[get("/surveys/{survey_id}/report")]
async fn report_index(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<SurveyPath>,
) -> Result<web::Json<ReportIndex>, AppError> {
    let id = path.into_inner().survey_id;
    let out = on_release(&state, &auth, Action::ReportRead, id, |tx, r, scope| {
        let groups = read::groups(tx, &r.id)?
            .into_iter()
            .filter(|g| scope.sees(&g.key))
            .collect();
        Ok(ReportIndex {
            survey_id: r.survey_id,
            title: r.title,
            frozen_at: utc(r.frozen_at),
            questionnaire: r.questionnaire,
            groups,
            benchmark_agencies: r.benchmark_agencies,
            previous_survey_id: r.previous_survey_id,
        })
    })
    .await?;
    Ok(web::Json(out))
}

/// Every figure of one group, with the benchmark's and the notes the
/// report carries (REP-9). Hidden figures say why, never their value.
#[utoipa::path(
    tag = "reports",
    params(ReportGroupPath),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "The group's figures", body = GroupReport),
        Authed, NotFound, Conflict,
    )
)]
#[get("/surveys/{survey_id}/report/groups/{group_key}")]
async fn group_report(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<ReportGroupPath>,
) -> Result<web::Json<GroupReport>, AppError> {
    let ReportGroupPath {
        survey_id,
        group_key,
    } = path.into_inner();
    let out = on_release(
        &state,
        &auth,
        Action::ReportRead,
        survey_id,
        move |tx, r, scope| group(tx, &r, &scope, &group_key),
    )
    .await?;
    Ok(web::Json(out))
}

/// One group's report, for a reader who may see it (404 otherwise).
fn group(
    tx: &mut Tx<'_>,
    r: &read::Release,
    scope: &Scope,
    key: &str,
) -> Result<GroupReport, AppError> {
    if !scope.sees(key) {
        return Err(AppError::NotFound);
    }
    let group = read::group(tx, &r.id, key)?;
    let keys = [key.to_string(), BENCHMARK.to_string()];
    let mut figures = read::figures(tx, r, Some(&keys), None)?;
    let notes = read::notes(&r.questionnaire, &group);
    Ok(GroupReport {
        figures: figures.remove(key).unwrap_or_default(),
        benchmark: figures.remove(BENCHMARK).unwrap_or_default(),
        group,
        notes,
    })
}

/// One group's report as CSV, the figures the screen shows: RFC 4180, or
/// `variant=excel` for Excel set to Norwegian (byte-order mark, semicolon,
/// decimal comma). A hidden figure is ":" with its reason in `note`.
#[utoipa::path(
    tag = "reports",
    params(ReportGroupPath, ExportQuery),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "The group's figures", content_type = "text/csv", body = String),
        Authed, NotFound, Conflict,
    )
)]
#[get("/surveys/{survey_id}/report/groups/{group_key}/csv")]
async fn group_csv(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<ReportGroupPath>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let ReportGroupPath {
        survey_id,
        group_key,
    } = path.into_inner();
    let ExportQuery { variant, lang } = query.into_inner();
    let (name, bytes) = on_release(
        &state,
        &auth,
        Action::ReportExport,
        survey_id,
        move |tx, r, scope| {
            let g = group(tx, &r, &scope, &group_key)?;
            let bytes = export::csv(
                &r.questionnaire,
                &g,
                variant.unwrap_or_default(),
                lang.unwrap_or(Language::Nb),
            )?;
            Ok((export::file_name(&g), bytes))
        },
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}

/// Topic and index scores of every group the reader may see, one row per
/// group in tree order: the heatmap.
#[utoipa::path(
    tag = "reports",
    params(SurveyPath),
    security(("bearer" = ["controller_admin", "leader"])),
    responses(
        (status = 200, description = "Scores per group", body = Heatmap),
        Authed, NotFound, Conflict,
    )
)]
#[get("/surveys/{survey_id}/report/heatmap")]
async fn heatmap(
    state: web::Data<AppState>,
    auth: Auth<AgencyStaff>,
    path: web::Path<SurveyPath>,
) -> Result<web::Json<Heatmap>, AppError> {
    let id = path.into_inner().survey_id;
    let out = on_release(&state, &auth, Action::ReportRead, id, |tx, r, scope| {
        let q = &r.questionnaire;
        let columns: Vec<String> = q
            .indices
            .iter()
            .map(|i| format!("i:{}", i.key))
            .chain(
                q.topics
                    .iter()
                    .filter(|t| {
                        !t.flags.contains(&TopicFlag::Sensitive)
                            && !t.flags.contains(&TopicFlag::Health)
                    })
                    .map(|t| format!("t:{}", t.key)),
            )
            .collect();
        let groups: Vec<ReportGroup> = read::groups(tx, &r.id)?
            .into_iter()
            .filter(|g| scope.sees(&g.key) && g.kind != GroupKind::Benchmark)
            .collect();
        let keys: Vec<String> = groups.iter().map(|g| g.key.clone()).collect();
        let mut figures = read::figures(tx, &r, Some(&keys), Some(&columns))?;
        let rows = groups
            .into_iter()
            .map(|group| {
                let mut own = figures.remove(&group.key).unwrap_or_default();
                let figures = columns
                    .iter()
                    .map(|c| match own.iter().position(|f| &f.measure == c) {
                        Some(i) => own.swap_remove(i),
                        None => hidden(c, group.hidden.unwrap_or(HiddenReason::TooFew)),
                    })
                    .collect();
                HeatmapRow { group, figures }
            })
            .collect();
        Ok(Heatmap { columns, rows })
    })
    .await?;
    Ok(web::Json(out))
}

fn hidden(measure: &str, why: HiddenReason) -> Figure {
    Figure {
        measure: measure.to_string(),
        n: None,
        mean: None,
        distribution: None,
        mean_hidden: Some(why),
        distribution_hidden: Some(why),
        vs_agency: None,
        vs_benchmark: None,
        vs_previous: None,
        unanimous: false,
    }
}
