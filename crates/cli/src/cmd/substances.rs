//! `interdict substances`: browse the registry.

use std::io::{self, Write};

use anyhow::{bail, Result};
use interdict_app::substances;
use interdict_registry::{Registry, Substance};
use interdict_types::SubstanceSummaryWire;
use serde_json::json;

use crate::cli::SubstancesCommand;
use crate::exit;
use crate::output::{Context, Table};

pub fn run(ctx: &Context, cmd: &SubstancesCommand) -> Result<u8> {
    let registry = Registry::builtin();
    let mut out = io::stdout().lock();
    match cmd {
        SubstancesCommand::List { list } => {
            if let Some(list) = list {
                if registry.list(list).is_none() {
                    bail!(
                        "unknown list `{list}`; `interdict substances lists` shows the known ones"
                    );
                }
            }
            let selected = substances::on_list(registry, list.as_deref());
            print_summaries(ctx, &mut out, &selected, None)?;
        }
        SubstancesCommand::Show { id } => {
            let Some(s) = substances::find(registry, id) else {
                bail!(
                    "no substance `{id}` in the registry; try `interdict substances search {id}`"
                );
            };
            if ctx.json {
                writeln!(out, "{}", serde_json::to_string(s)?)?;
            } else {
                out.write_all(render_detail(registry, s).as_bytes())?;
            }
        }
        SubstancesCommand::Search { text } => {
            let found = substances::search(registry, text);
            let subs: Vec<&Substance> = found.iter().map(|(s, _)| *s).collect();
            let scores: Vec<f32> = found.iter().map(|(_, x)| *x).collect();
            if subs.is_empty() && !ctx.json {
                writeln!(out, "Nothing in the registry matches \"{text}\".")?;
                return Ok(exit::OK);
            }
            print_summaries(ctx, &mut out, &subs, Some(&scores))?;
        }
        SubstancesCommand::Lists => {
            if ctx.json {
                for l in registry.lists() {
                    let n = members(registry, &l.id);
                    let mut v = serde_json::to_value(l)?;
                    v["substances"] = json!(n);
                    writeln!(out, "{v}")?;
                }
            } else {
                let mut t = Table::new(&["LIST", "SUBSTANCES", "INSTRUMENT"]);
                for l in registry.lists() {
                    let n = members(registry, &l.id);
                    t.row(vec![l.id.clone(), n.to_string(), l.instrument.clone()]);
                }
                out.write_all(t.render().as_bytes())?;
            }
        }
    }
    Ok(exit::OK)
}

/// How many substances a control list holds.
fn members(registry: &Registry, list: &str) -> usize {
    registry
        .substances()
        .iter()
        .filter(|s| s.controls.iter().any(|c| c.list == list))
        .count()
}

fn print_summaries(
    ctx: &Context,
    out: &mut impl Write,
    subs: &[&Substance],
    scores: Option<&[f32]>,
) -> Result<()> {
    if ctx.json {
        for (i, s) in subs.iter().enumerate() {
            let wire = SubstanceSummaryWire::new(s, scores.map(|x| x[i]));
            writeln!(out, "{}", serde_json::to_string(&wire)?)?;
        }
        return Ok(());
    }
    let mut t = Table::new(&["ID", "NAME", "CATEGORY", "CAS", "HS 2022", "CONTROLS"]);
    for s in subs {
        t.row(vec![
            s.id.clone(),
            s.name.clone(),
            format!("{:?}", s.category).to_lowercase(),
            s.cas.map(|c| c.to_string()).unwrap_or_else(|| "-".into()),
            s.hs2022.clone().unwrap_or_else(|| "-".into()),
            s.control_ids().join(", "),
        ]);
    }
    out.write_all(t.render().as_bytes())?;
    writeln!(out, "{} substances", subs.len())?;
    Ok(())
}

fn render_detail(registry: &Registry, s: &Substance) -> String {
    let mut o = String::new();
    let opt = |x: Option<String>| x.unwrap_or_else(|| "-".into());
    o.push_str(&format!("{} ({})\n", s.name, s.id));
    o.push_str(&format!("  category    {:?}\n", s.category).to_lowercase());
    o.push_str(&format!(
        "  CAS RN      {}\n",
        opt(s.cas.map(|c| c.to_string()))
    ));
    o.push_str(&format!("  HS 2022     {}\n", opt(s.hs2022.clone())));
    for h in &s.hs_national {
        o.push_str(&format!(
            "  HS {}      {}  ({})\n",
            h.country, h.code, h.source
        ));
    }
    o.push_str(&format!("  SMILES      {}\n", s.smiles));
    o.push_str(&format!("  InChIKey    {}\n", s.inchikey));
    o.push_str(&format!("  covers      {}\n", s.covers));
    o.push_str(&format!("  source      {}\n", s.source));
    o.push_str("Controls:\n");
    for c in &s.controls {
        let instrument = registry
            .list(&c.list)
            .map(|l| l.instrument.as_str())
            .unwrap_or("");
        o.push_str(&format!(
            "  {:<22} {:<36} since {:<10} {}  [{}]\n",
            c.list,
            c.entry,
            if c.effective.is_empty() {
                "-"
            } else {
                &c.effective
            },
            instrument,
            c.basis
        ));
    }
    if !s.forms.is_empty() {
        o.push_str("Forms with their own CAS RN:\n");
        for f in &s.forms {
            o.push_str(&format!("  {:<14} {}\n", f.cas.to_string(), f.form));
        }
    }
    o.push_str("Names:\n");
    for y in &s.synonyms {
        o.push_str(&format!(
            "  {:<13} {}\n",
            format!("{:?}", y.kind).to_lowercase(),
            y.text
        ));
    }
    o
}
