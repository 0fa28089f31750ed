//! ORG-2: what an import would change, computed without I/O.
//!
//! The planner sees the agency's current rows and the incoming batch and
//! returns either every bad row (with row number, field and reason) or the
//! exact creates, updates and deactivations. Applying a plan is then plain
//! writes in one transaction, so a batch is applied whole or not at all.

use std::collections::{HashMap, HashSet};
use tillit_api::{
    AgencyId, EmployeeId, EmployeeRow as EmployeeIn, FieldCode, FieldError, ImportMode, Language,
    UnitId, UnitRow as UnitIn,
};

use crate::domain::{parse_name, EmailAddress, ExternalId};
use crate::organisation::employees::EmployeeRow;
use crate::organisation::units::UnitRow;

pub const MAX_ROWS: usize = tillit_api::MAX_IMPORT_ROWS;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Default)]
pub struct UnitPlan {
    /// Parents before children, so foreign keys hold at every insert.
    pub create: Vec<UnitRow>,
    pub update: Vec<UnitRow>,
    pub deactivate: Vec<UnitId>,
    pub unchanged: usize,
}

#[derive(Debug, Default)]
pub struct EmployeePlan {
    pub create: Vec<EmployeeRow>,
    pub update: Vec<EmployeeRow>,
    pub deactivate: Vec<EmployeeId>,
    pub unchanged: usize,
}

impl UnitPlan {
    pub fn counts(&self) -> Counts {
        Counts {
            created: self.create.len(),
            updated: self.update.len(),
            deactivated: self.deactivate.len(),
            unchanged: self.unchanged,
        }
    }
}

impl EmployeePlan {
    pub fn counts(&self) -> Counts {
        Counts {
            created: self.create.len(),
            updated: self.update.len(),
            deactivated: self.deactivate.len(),
            unchanged: self.unchanged,
        }
    }
}

/// Shared context of one planning run.
pub struct Ctx<'a> {
    pub agency: &'a AgencyId,
    pub mode: ImportMode,
    /// Row number of the first data row: 1 for JSON arrays, 2 for CSV under a header.
    pub first_row: usize,
    pub now: chrono::NaiveDateTime,
    pub new_id: &'a mut dyn FnMut() -> String,
}

fn too_many(n: usize, field: &str) -> Option<Vec<FieldError>> {
    (n > MAX_ROWS).then(|| vec![super::csv::too_many_rows(field)])
}

pub fn plan_units(
    ctx: &mut Ctx<'_>,
    rows: &[UnitIn],
    existing: &[UnitRow],
) -> Result<UnitPlan, Vec<FieldError>> {
    if let Some(e) = too_many(rows.len(), "units") {
        return Err(e);
    }
    let mut errors = Vec::new();
    // (row number, external id, name, parent external id)
    let mut parsed: Vec<(usize, ExternalId, String, Option<ExternalId>)> =
        Vec::with_capacity(rows.len());
    let mut seen: HashMap<ExternalId, usize> = HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let row = ctx.first_row + i;
        let mut bad = false;
        let ext = ExternalId::parse(&r.external_id, "external_id")
            .map_err(|e| {
                errors.push(e.at_row(row));
                bad = true;
            })
            .ok();
        let name = parse_name(&r.name, "name")
            .map_err(|e| {
                errors.push(e.at_row(row));
                bad = true;
            })
            .ok();
        let parent = match r.parent_external_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => ExternalId::parse(p, "parent_external_id")
                .map_err(|e| {
                    errors.push(e.at_row(row));
                    bad = true;
                })
                .ok(),
        };
        if let Some(ext) = &ext {
            if let Some(first) = seen.get(ext) {
                errors.push(
                    FieldError::new(
                        "external_id",
                        FieldCode::Duplicate,
                        format!("external id '{}' is also on row {first}", ext.as_str()),
                    )
                    .with("value", ext.as_str())
                    .with("first_row", *first)
                    .at_row(row),
                );
                bad = true;
            } else {
                seen.insert(ext.clone(), row);
            }
            if parent.as_ref() == Some(ext) {
                errors.push(
                    FieldError::new(
                        "parent_external_id",
                        FieldCode::Cycle,
                        "a unit cannot be its own parent",
                    )
                    .at_row(row),
                );
                bad = true;
            }
        }
        if let (false, Some(ext), Some(name)) = (bad, ext, name) {
            parsed.push((row, ext, name, parent));
        }
    }

    let by_ext: HashMap<&str, &UnitRow> = existing
        .iter()
        .map(|u| (u.external_id.as_str(), u))
        .collect();
    let by_id: HashMap<&str, &UnitRow> = existing.iter().map(|u| (u.id.as_str(), u)).collect();
    // The parent each unit will have after the import, by external id.
    let mut parent_after: HashMap<String, Option<String>> = HashMap::new();
    if ctx.mode == ImportMode::Upsert {
        for u in existing.iter().filter(|u| u.active) {
            let p = u
                .parent_id
                .as_ref()
                .and_then(|p| by_id.get(p.as_str()))
                .map(|p| p.external_id.clone());
            parent_after.insert(u.external_id.clone(), p);
        }
    }
    for (_, ext, _, parent) in &parsed {
        parent_after.insert(
            ext.as_str().to_string(),
            parent.as_ref().map(|p| p.as_str().to_string()),
        );
    }
    for (row, _, _, parent) in &parsed {
        if let Some(p) = parent {
            if !parent_after.contains_key(p.as_str()) && !seen.contains_key(p) {
                errors.push(
                    FieldError::new(
                        "parent_external_id",
                        FieldCode::UnknownParent,
                        format!("no unit with external id '{}' in this batch or among the agency's active units", p.as_str()),
                    )
                    .with("value", p.as_str())
                    .at_row(*row),
                );
            }
        }
    }
    let in_cycle = cycle_members(&parent_after);
    for (row, ext, _, _) in &parsed {
        if in_cycle.contains(ext.as_str()) {
            errors.push(
                FieldError::new(
                    "parent_external_id",
                    FieldCode::Cycle,
                    "the parents of this unit lead back to itself",
                )
                .at_row(*row),
            );
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }

    let mut plan = UnitPlan::default();
    // Ids for every unit after the import, new ones included.
    let mut id_of: HashMap<String, UnitId> = existing
        .iter()
        .map(|u| (u.external_id.clone(), u.id.clone()))
        .collect();
    for (_, ext, _, _) in &parsed {
        if !id_of.contains_key(ext.as_str()) {
            id_of.insert(ext.as_str().to_string(), UnitId((ctx.new_id)()));
        }
    }
    let mut creates = Vec::new();
    for (_, ext, name, parent) in parsed.iter() {
        let parent_id = parent.as_ref().and_then(|p| id_of.get(p.as_str()).cloned());
        match by_ext.get(ext.as_str()) {
            Some(cur) => {
                if cur.name == *name && cur.parent_id == parent_id && cur.active {
                    plan.unchanged += 1;
                } else {
                    plan.update.push(UnitRow {
                        name: name.clone(),
                        parent_id,
                        active: true,
                        updated_at: ctx.now,
                        ..(*cur).clone()
                    });
                }
            }
            None => creates.push(UnitRow {
                id: id_of[ext.as_str()].clone(),
                agency_id: ctx.agency.clone(),
                external_id: ext.as_str().to_string(),
                name: name.clone(),
                parent_id,
                active: true,
                updated_at: ctx.now,
            }),
        }
    }
    plan.create = parents_first(creates);
    if ctx.mode == ImportMode::FullSync {
        let present: HashSet<&str> = seen.keys().map(|k| k.as_str()).collect();
        plan.deactivate = existing
            .iter()
            .filter(|u| u.active && !present.contains(u.external_id.as_str()))
            .map(|u| u.id.clone())
            .collect();
    }
    Ok(plan)
}

/// External ids whose chain of parents loops.
fn cycle_members(parent_of: &HashMap<String, Option<String>>) -> HashSet<String> {
    let mut state: HashMap<&str, u8> = HashMap::new(); // 1 = on path, 2 = done
    let mut out = HashSet::new();
    for start in parent_of.keys() {
        let mut path: Vec<&str> = Vec::new();
        let mut cur = Some(start.as_str());
        while let Some(node) = cur {
            match state.get(node) {
                Some(2) => break,
                Some(1) => {
                    if let Some(pos) = path.iter().position(|n| *n == node) {
                        out.extend(path[pos..].iter().map(|s| s.to_string()));
                    }
                    break;
                }
                _ => {}
            }
            state.insert(node, 1);
            path.push(node);
            cur = parent_of.get(node).and_then(|p| p.as_deref());
        }
        for n in path {
            state.insert(n, 2);
        }
    }
    out
}

/// Orders new units so that every parent comes before its children.
fn parents_first(units: Vec<UnitRow>) -> Vec<UnitRow> {
    let new_ids: HashSet<UnitId> = units.iter().map(|u| u.id.clone()).collect();
    let mut children: HashMap<Option<UnitId>, Vec<UnitRow>> = HashMap::new();
    for u in units {
        let key = u.parent_id.clone().filter(|p| new_ids.contains(p));
        children.entry(key).or_default().push(u);
    }
    let mut out = Vec::new();
    let mut queue: Vec<UnitRow> = children.remove(&None).unwrap_or_default();
    while let Some(u) = queue.pop() {
        if let Some(kids) = children.remove(&Some(u.id.clone())) {
            queue.extend(kids);
        }
        out.push(u);
    }
    out
}

pub fn plan_employees(
    ctx: &mut Ctx<'_>,
    rows: &[EmployeeIn],
    existing: &[EmployeeRow],
    units: &[UnitRow],
) -> Result<EmployeePlan, Vec<FieldError>> {
    if let Some(e) = too_many(rows.len(), "employees") {
        return Err(e);
    }
    let active_unit: HashMap<&str, &UnitId> = units
        .iter()
        .filter(|u| u.active)
        .map(|u| (u.external_id.as_str(), &u.id))
        .collect();
    let mut errors = Vec::new();
    let mut seen_ext: HashMap<ExternalId, usize> = HashMap::with_capacity(rows.len());
    let mut seen_email: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    let mut parsed: Vec<(usize, ExternalId, EmailAddress, UnitId, Language)> =
        Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let row = ctx.first_row + i;
        let before = errors.len();
        let ext = ExternalId::parse(&r.external_id, "external_id")
            .map_err(|e| errors.push(e.at_row(row)))
            .ok();
        let email = EmailAddress::parse(&r.email, "email")
            .map_err(|e| errors.push(e.at_row(row)))
            .ok();
        let unit = match active_unit.get(r.unit_external_id.trim()) {
            Some(id) => Some((*id).clone()),
            None => {
                errors.push(
                    FieldError::new(
                        "unit_external_id",
                        FieldCode::UnknownUnit,
                        format!(
                            "no active unit with external id '{}'",
                            r.unit_external_id.trim()
                        ),
                    )
                    .with("value", r.unit_external_id.trim())
                    .at_row(row),
                );
                None
            }
        };
        let lang = match r.language.as_deref().map(str::trim) {
            None | Some("") => Some(Language::Nb),
            Some(l) => Language::parse(l).or_else(|| {
                errors.push(
                    FieldError::new(
                        "language",
                        FieldCode::InvalidLanguage,
                        format!("'{l}' is not nb, nn or en"),
                    )
                    .with("value", l)
                    .at_row(row),
                );
                None
            }),
        };
        if let Some(ext) = &ext {
            if let Some(first) = seen_ext.get(ext) {
                errors.push(
                    FieldError::new(
                        "external_id",
                        FieldCode::Duplicate,
                        format!("external id '{}' is also on row {first}", ext.as_str()),
                    )
                    .with("value", ext.as_str())
                    .with("first_row", *first)
                    .at_row(row),
                );
            } else {
                seen_ext.insert(ext.clone(), row);
            }
        }
        if let Some(email) = &email {
            if let Some(first) = seen_email.get(email.as_str()) {
                errors.push(
                    FieldError::new(
                        "email",
                        FieldCode::Duplicate,
                        format!("this email is also on row {first}"),
                    )
                    .with("first_row", *first)
                    .at_row(row),
                );
            } else {
                seen_email.insert(email.as_str().to_string(), row);
            }
        }
        if let (true, Some(ext), Some(email), Some(unit), Some(lang)) =
            (errors.len() == before, ext, email, unit, lang)
        {
            parsed.push((row, ext, email, unit, lang));
        }
    }
    let by_ext: HashMap<&str, &EmployeeRow> = existing
        .iter()
        .map(|e| (e.external_id.as_str(), e))
        .collect();
    if ctx.mode == ImportMode::Upsert {
        // Active employees the batch leaves alone keep their addresses.
        let present: HashSet<&str> = seen_ext.keys().map(|k| k.as_str()).collect();
        let kept: HashMap<&str, &str> = existing
            .iter()
            .filter(|e| e.active && !present.contains(e.external_id.as_str()))
            .map(|e| (e.email.as_str(), e.external_id.as_str()))
            .collect();
        for (row, _, email, _, _) in &parsed {
            if let Some(other) = kept.get(email.as_str()) {
                errors.push(
                    FieldError::new(
                        "email",
                        FieldCode::EmailTaken,
                        format!("the active employee '{other}' already has this email"),
                    )
                    .with("other", *other)
                    .at_row(*row),
                );
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }
    let mut plan = EmployeePlan::default();
    for (_, ext, email, unit_id, lang) in parsed {
        match by_ext.get(ext.as_str()) {
            Some(cur) => {
                if cur.email == email.as_str()
                    && cur.unit_id == unit_id
                    && cur.language == lang
                    && cur.active
                {
                    plan.unchanged += 1;
                } else {
                    plan.update.push(EmployeeRow {
                        email: email.into_string(),
                        unit_id,
                        language: lang,
                        active: true,
                        updated_at: ctx.now,
                        ..(*cur).clone()
                    });
                }
            }
            None => plan.create.push(EmployeeRow {
                id: EmployeeId((ctx.new_id)()),
                agency_id: ctx.agency.clone(),
                external_id: ext.as_str().to_string(),
                email: email.into_string(),
                unit_id,
                language: lang,
                active: true,
                updated_at: ctx.now,
            }),
        }
    }
    if ctx.mode == ImportMode::FullSync {
        let present: HashSet<&str> = seen_ext.keys().map(|k| k.as_str()).collect();
        plan.deactivate = existing
            .iter()
            .filter(|e| e.active && !present.contains(e.external_id.as_str()))
            .map(|e| e.id.clone())
            .collect();
    }
    Ok(plan)
}

impl UnitPlan {
    /// The agency's units as they will be once this plan is applied.
    pub fn after(&self, existing: &[UnitRow]) -> Vec<UnitRow> {
        let changed: HashMap<&str, &UnitRow> =
            self.update.iter().map(|u| (u.id.as_str(), u)).collect();
        let gone: HashSet<&str> = self.deactivate.iter().map(|i| i.as_str()).collect();
        existing
            .iter()
            .map(|u| {
                let mut u = changed
                    .get(u.id.as_str())
                    .map_or_else(|| u.clone(), |c| (*c).clone());
                if gone.contains(u.id.as_str()) {
                    u.active = false;
                }
                u
            })
            .chain(self.create.iter().cloned())
            .collect()
    }
}

impl EmployeePlan {
    /// The agency's employees as they will be once this plan is applied.
    pub fn after(&self, existing: &[EmployeeRow]) -> Vec<EmployeeRow> {
        let changed: HashMap<&str, &EmployeeRow> =
            self.update.iter().map(|e| (e.id.as_str(), e)).collect();
        let gone: HashSet<&str> = self.deactivate.iter().map(|i| i.as_str()).collect();
        existing
            .iter()
            .map(|e| {
                let mut e = changed
                    .get(e.id.as_str())
                    .map_or_else(|| e.clone(), |c| (*c).clone());
                if gone.contains(e.id.as_str()) {
                    e.active = false;
                }
                e
            })
            .chain(self.create.iter().cloned())
            .collect()
    }
}

/// Units the plan would deactivate that still hold active employees once
/// everything is applied (the rule `DELETE /units/{id}` enforces too): the
/// units, and how many employees they hold.
pub fn units_in_use<'a>(
    plan: &UnitPlan,
    units: &'a [UnitRow],
    employees_after: &[EmployeeRow],
) -> (Vec<&'a UnitRow>, usize) {
    let gone: HashSet<&str> = plan.deactivate.iter().map(|i| i.as_str()).collect();
    let mut held: HashMap<&str, usize> = HashMap::new();
    for e in employees_after.iter().filter(|e| e.active) {
        if gone.contains(e.unit_id.as_str()) {
            *held.entry(e.unit_id.as_str()).or_default() += 1;
        }
    }
    let mut busy: Vec<&UnitRow> = units
        .iter()
        .filter(|u| held.contains_key(u.id.as_str()))
        .collect();
    busy.sort_by(|a, b| a.external_id.cmp(&b.external_id));
    (busy, held.values().sum())
}
