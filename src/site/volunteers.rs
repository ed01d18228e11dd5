//! Volunteer statistics from the story pages: stories, distinct volunteers and teams, total
//! hours, and the same per team and per district — available to every template. A story in
//! several districts counts as a story in each, and its hours are split evenly between them,
//! so the districts' hours add up to the total.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use super::SitePage;
use crate::content::kinds::KindFields;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VolunteerStats {
    pub stories: usize,
    pub volunteers: usize,
    pub teams: usize,
    #[serde(serialize_with = "crate::text::serialize_plain")]
    pub hours: f64,
    pub per_team: Vec<GroupStats>,
    pub per_district: Vec<GroupStats>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    pub name: String,
    pub stories: usize,
    pub volunteers: usize,
    #[serde(serialize_with = "crate::text::serialize_plain")]
    pub hours: f64,
}

#[derive(Default)]
struct Group {
    stories: usize,
    volunteers: BTreeSet<String>,
    hours: f64,
}

fn finish(groups: BTreeMap<String, Group>) -> Vec<GroupStats> {
    let mut out: Vec<GroupStats> = groups
        .into_iter()
        .map(|(name, g)| GroupStats {
            name,
            stories: g.stories,
            volunteers: g.volunteers.len(),
            hours: g.hours,
        })
        .collect();
    out.sort_by(|a, b| {
        b.hours
            .total_cmp(&a.hours)
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// `district_taxonomy` is the taxonomy whose terms name districts (`districts`), if any.
pub fn compute(pages: &[Arc<SitePage>], district_taxonomy: &str) -> VolunteerStats {
    let mut volunteers = BTreeSet::new();
    let mut teams: BTreeMap<String, Group> = BTreeMap::new();
    let mut districts: BTreeMap<String, Group> = BTreeMap::new();
    let mut stories = 0;
    let mut hours = 0.0;
    for p in pages {
        let KindFields::Story(story) = &p.page.meta.fields else {
            continue;
        };
        stories += 1;
        let h = story.hours.unwrap_or(0.0);
        hours += h;
        volunteers.extend(story.volunteers.iter().cloned());
        let add = |g: &mut Group, hours: f64| {
            g.stories += 1;
            g.hours += hours;
            g.volunteers.extend(story.volunteers.iter().cloned());
        };
        if let Some(team) = &story.team {
            add(teams.entry(team.clone()).or_default(), h);
        }
        let in_districts = p.page.meta.taxonomies.get(district_taxonomy);
        let share = h / in_districts.map_or(1, Vec::len).max(1) as f64;
        for d in in_districts.into_iter().flatten() {
            add(districts.entry(d.clone()).or_default(), share);
        }
    }
    VolunteerStats {
        stories,
        volunteers: volunteers.len(),
        teams: teams.len(),
        hours,
        per_team: finish(teams),
        per_district: finish(districts),
    }
}
