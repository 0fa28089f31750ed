//! The groups a report can show (REP-8's "everything released"): the
//! agency, each unit with all its sub-units, and each leader's group (the
//! units they lead taken together), built on the unit tree as it stands
//! when the survey is frozen. Atoms are the units themselves: every group
//! is a set of them.

use std::collections::{BTreeSet, HashMap, HashSet};

use sha2::{Digest, Sha256};
use tillit_api::GroupKind;

#[derive(Debug, Clone)]
pub struct UnitNode {
    pub id: String,
    pub parent: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Group {
    /// `agency`, `u-<unit id>` or `l-<hash of the unit ids>`.
    pub key: String,
    pub kind: GroupKind,
    pub unit_id: Option<String>,
    pub parent_key: Option<String>,
    pub name: String,
    /// In the tree: 0 for top-level units (and for leader groups).
    pub depth: u32,
    /// Atoms, sorted.
    pub atoms: Vec<usize>,
}

pub struct Groups {
    /// The unit id of each atom.
    pub atoms: Vec<String>,
    /// The agency, then the units depth-first with siblings by name, then
    /// the leader groups by name.
    pub list: Vec<Group>,
}

pub const AGENCY: &str = "agency";

pub fn unit_key(id: &str) -> String {
    format!("u-{id}")
}

/// `used`: units anyone was invited in. They and their ancestors make the
/// tree; other units have nothing to report. `leaders`: the units each
/// leader leads. A leader group that covers exactly the same units as a
/// unit or the agency is that group, not a new one.
pub fn build(units: &[UnitNode], used: &HashSet<String>, leaders: &[Vec<String>]) -> Groups {
    let by_id: HashMap<&str, &UnitNode> = units.iter().map(|u| (u.id.as_str(), u)).collect();
    let parent_of = |id: &str| -> Option<&str> {
        by_id
            .get(id)
            .and_then(|u| u.parent.as_deref())
            .filter(|p| by_id.contains_key(p))
    };
    // The used units and their ancestors (a cycle in bad data stops the walk).
    let mut kept: BTreeSet<&str> = BTreeSet::new();
    for id in used {
        let mut cur = by_id.get(id.as_str()).map(|u| u.id.as_str());
        while let Some(c) = cur {
            if !kept.insert(c) {
                break;
            }
            cur = parent_of(c);
        }
    }
    let atoms: Vec<String> = kept.iter().map(|s| s.to_string()).collect();
    let atom_of: HashMap<&str, usize> = kept.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let mut children: HashMap<Option<&str>, Vec<&UnitNode>> = HashMap::new();
    for id in &kept {
        if let Some(u) = by_id.get(id) {
            children.entry(parent_of(id)).or_default().push(u);
        }
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let mut list = vec![Group {
        key: AGENCY.into(),
        kind: GroupKind::Agency,
        unit_id: None,
        parent_key: None,
        name: String::new(),
        depth: 0,
        atoms: (0..atoms.len()).collect(),
    }];
    let mut subtree: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut stack: Vec<(&UnitNode, u32)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|u| (*u, 0)).collect())
        .unwrap_or_default();
    let mut seen = HashSet::new();
    while let Some((u, depth)) = stack.pop() {
        if !seen.insert(u.id.as_str()) {
            continue;
        }
        let mut below = Vec::new();
        let mut walk = vec![u.id.as_str()];
        while let Some(c) = walk.pop() {
            if let Some(&a) = atom_of.get(c) {
                below.push(a);
            }
            if let Some(kids) = children.get(&Some(c)) {
                walk.extend(kids.iter().map(|k| k.id.as_str()));
            }
            if below.len() > atoms.len() {
                break;
            }
        }
        below.sort_unstable();
        below.dedup();
        subtree.insert(u.id.as_str(), below.clone());
        list.push(Group {
            key: unit_key(&u.id),
            kind: GroupKind::Unit,
            unit_id: Some(u.id.clone()),
            parent_key: parent_of(&u.id).map(unit_key),
            name: u.name.clone(),
            depth,
            atoms: below,
        });
        if let Some(kids) = children.get(&Some(u.id.as_str())) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    let mut known: HashSet<Vec<usize>> = list.iter().map(|g| g.atoms.clone()).collect();
    let mut unions = Vec::new();
    for led in leaders {
        let mut set: BTreeSet<usize> = BTreeSet::new();
        let mut names: Vec<&str> = Vec::new();
        for u in led {
            if let (Some(sub), Some(node)) = (subtree.get(u.as_str()), by_id.get(u.as_str())) {
                set.extend(sub.iter().copied());
                names.push(&node.name);
            }
        }
        let atoms_of: Vec<usize> = set.into_iter().collect();
        if atoms_of.is_empty() || !known.insert(atoms_of.clone()) {
            continue;
        }
        names.sort_unstable();
        let ids: Vec<&str> = atoms_of.iter().map(|&a| atoms[a].as_str()).collect();
        let hash = Sha256::digest(ids.join(",").as_bytes());
        unions.push(Group {
            key: format!("l-{}", &hex::encode(hash)[..16]),
            kind: GroupKind::Leader,
            unit_id: None,
            parent_key: None,
            name: names.join(" + "),
            depth: 0,
            atoms: atoms_of,
        });
    }
    unions.sort_by(|a, b| a.name.cmp(&b.name).then(a.key.cmp(&b.key)));
    list.extend(unions);
    Groups { atoms, list }
}
