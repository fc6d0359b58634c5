//! Backing up and restoring users, roles and grants (`--rbac`): on Milvus 2.2 to 2.4.9 through
//! the role and grant RPCs those versions have; on 2.4.10+ through BackupRBAC/RestoreRBAC
//! ([`meta_rpc`], untested here).
//!
//! Passwords are never saved (2.2/2.3 do not give them out; the hashes BackupRBAC returns are
//! dropped): a restored user
//! gets a random password that is used once in the CreateCredential call and then forgotten;
//! the report lists those users so an administrator sets a real password.

use crate::format::{GrantEntity, GrantorEntity, NameEntity, RbacMeta, UserInfo};
use crate::milvus::{MilvusClient, RbacGrant};
use crate::secret::Secret;
use crate::{Error, Result};
use std::collections::BTreeSet;

mod meta_rpc;
pub use meta_rpc::has_meta_rpcs;

/// Built-in user and roles: never saved, never recreated.
pub const BUILTIN_USERS: &[&str] = &["root"];
pub const BUILTIN_ROLES: &[&str] = &["admin", "public"];

fn is_builtin_role(r: &str) -> bool {
    BUILTIN_ROLES.contains(&r)
}

/// Reads the users (names and roles), roles and grants of every database from the server.
/// On 2.4.10+ through BackupRBAC (untested here), with password hashes dropped.
pub async fn collect(client: &MilvusClient) -> Result<RbacMeta> {
    if meta_rpc::has_meta_rpcs(client.server_version()) {
        return Ok(meta_rpc::from_server(client.backup_rbac_meta().await?));
    }
    let roles: Vec<String> = client
        .select_roles()
        .await?
        .into_iter()
        .filter(|r| !is_builtin_role(r))
        .collect();
    let users = client.select_users().await?;
    let dbs = client.list_databases().await?;
    let mut grants = Vec::new();
    for role in &roles {
        for db in &dbs {
            grants.extend(client.select_grants(role, db).await?);
        }
    }
    Ok(build_meta(roles, users, grants))
}

/// The `rbac_meta` document for what the server listed, without built-ins, in a stable order.
pub fn build_meta(
    roles: Vec<String>,
    users: Vec<(String, Vec<String>)>,
    grants: Vec<RbacGrant>,
) -> RbacMeta {
    let roles: BTreeSet<String> = roles.into_iter().filter(|r| !is_builtin_role(r)).collect();
    let mut users: Vec<UserInfo> = users
        .into_iter()
        .filter(|(u, _)| !BUILTIN_USERS.contains(&u.as_str()))
        .map(|(user, user_roles)| {
            let set: BTreeSet<String> = user_roles
                .into_iter()
                .filter(|r| !is_builtin_role(r))
                .collect();
            UserInfo {
                user,
                password: String::new(),
                roles: set.into_iter().map(NameEntity::new).collect(),
            }
        })
        .collect();
    users.sort_by(|a, b| a.user.cmp(&b.user));
    let grants: BTreeSet<RbacGrant> = grants
        .into_iter()
        .filter(|g| roles.contains(&g.role))
        .collect();
    RbacMeta {
        users,
        roles: roles.into_iter().map(NameEntity::new).collect(),
        grants: grants.iter().map(to_entity).collect(),
        privilege_groups: Vec::new(),
    }
}

fn to_entity(g: &RbacGrant) -> GrantEntity {
    GrantEntity {
        role: Some(NameEntity::new(&g.role)),
        object: Some(NameEntity::new(&g.object_type)),
        object_name: g.object_name.clone(),
        // The grantor is whoever runs the restore; the privilege is what matters.
        grantor: Some(GrantorEntity {
            user: None,
            privilege: Some(NameEntity::new(&g.privilege)),
        }),
        db_name: g.db_name.clone(),
    }
}

fn from_entity(g: &GrantEntity) -> RbacGrant {
    RbacGrant {
        role: g.role_name().to_string(),
        object_type: g.object_type().to_string(),
        object_name: g.object_name.clone(),
        privilege: g.privilege().to_string(),
        db_name: if g.db_name.is_empty() {
            "default".to_string()
        } else {
            g.db_name.clone()
        },
    }
}

/// 32 random letters and digits from the operating system's generator (Milvus wants 6-256
/// characters). Held as a [`Secret`], sent once and dropped.
fn random_password() -> Result<Secret> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| Error::Invalid(format!("no random numbers for a new user's password: {e}")))?;
    // 248 = 4 * 62: rejecting the bytes above keeps every character equally likely.
    let mut out = String::with_capacity(32);
    let mut pool = bytes.to_vec();
    while out.len() < 32 {
        match pool.pop() {
            Some(b) if (b as usize) < 248 => out.push(ALPHABET[b as usize % 62] as char),
            Some(_) => {}
            None => {
                pool = vec![0u8; 32];
                getrandom::getrandom(&mut pool).map_err(|e| {
                    Error::Invalid(format!("no random numbers for a new user's password: {e}"))
                })?;
            }
        }
    }
    Ok(Secret::new(out))
}

/// What a restore did and left alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RbacReport {
    pub roles_created: Vec<String>,
    pub roles_existing: usize,
    pub grants_created: usize,
    pub grants_existing: usize,
    /// Users created with a random password nobody knows: they need a new one.
    pub users_created: Vec<String>,
    pub users_existing: usize,
    /// (user, role) links added.
    pub user_roles_added: usize,
    /// 2.4.10+ only.
    pub privilege_groups_created: usize,
    pub warnings: Vec<String>,
}

/// The calls a restore makes, worked out from the backup and what the server already has.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RbacPlan {
    pub create_roles: Vec<String>,
    pub roles_existing: usize,
    pub create_users: Vec<String>,
    pub users_existing: usize,
    /// (user, role) links to add, for new and existing users alike.
    pub add_user_roles: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// Plans the roles, users and user-role links; grants are compared per role afterwards.
pub fn plan(
    meta: &RbacMeta,
    existing_roles: &[String],
    existing_users: &[(String, Vec<String>)],
) -> RbacPlan {
    let mut p = RbacPlan::default();
    let have_roles: BTreeSet<&str> = existing_roles.iter().map(String::as_str).collect();
    let wanted_roles: BTreeSet<&str> = meta
        .roles
        .iter()
        .map(|r| r.name.as_str())
        .chain(meta.grants.iter().map(|g| g.role_name()))
        .chain(
            meta.users
                .iter()
                .flat_map(|u| u.roles.iter().map(|r| r.name.as_str())),
        )
        .filter(|r| !r.is_empty() && !is_builtin_role(r))
        .collect();
    for r in wanted_roles {
        if have_roles.contains(r) {
            p.roles_existing += 1;
        } else {
            p.create_roles.push(r.to_string());
        }
    }
    for u in &meta.users {
        if u.user.is_empty() || BUILTIN_USERS.contains(&u.user.as_str()) {
            continue;
        }
        let existing = existing_users.iter().find(|(name, _)| *name == u.user);
        match existing {
            Some(_) => p.users_existing += 1,
            None => p.create_users.push(u.user.clone()),
        }
        let has: BTreeSet<&str> = existing
            .map(|(_, roles)| roles.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for r in &u.roles {
            if !r.name.is_empty() && !has.contains(r.name.as_str()) {
                p.add_user_roles.push((u.user.clone(), r.name.clone()));
            }
        }
    }
    if !meta.privilege_groups.is_empty() {
        p.warnings.push(format!(
            "{} privilege group(s) in the backup were not restored: privilege groups exist from Milvus 2.4.10 on, and this server is older",
            meta.privilege_groups.len()
        ));
    }
    p
}

/// The grants of the backup that `existing` lacks, in the backup's order.
pub fn missing_grants(wanted: &[RbacGrant], existing: &BTreeSet<RbacGrant>) -> Vec<RbacGrant> {
    let mut seen = BTreeSet::new();
    wanted
        .iter()
        .filter(|g| !existing.contains(*g) && seen.insert((*g).clone()))
        .cloned()
        .collect()
}

/// Recreates the roles, grants, users and user-role links of `meta` that the server lacks;
/// leaves existing ones alone. New users get a random password that is never shown.
/// On 2.4.10+ roles, grants and privilege groups go through RestoreRBAC (untested here).
pub async fn restore(client: &MilvusClient, meta: &RbacMeta) -> Result<RbacReport> {
    if meta_rpc::has_meta_rpcs(client.server_version()) {
        restore_with_meta_rpcs(client, meta).await
    } else {
        restore_with_role_rpcs(client, meta).await
    }
}

async fn restore_with_role_rpcs(client: &MilvusClient, meta: &RbacMeta) -> Result<RbacReport> {
    let existing_roles = client.select_roles().await?;
    let existing_users = client.select_users().await?;
    let p = plan(meta, &existing_roles, &existing_users);
    let mut report = RbacReport {
        roles_existing: p.roles_existing,
        users_existing: p.users_existing,
        warnings: p.warnings.clone(),
        ..Default::default()
    };
    for role in &p.create_roles {
        client.create_role(role).await?;
        report.roles_created.push(role.clone());
    }
    let wanted = wanted_grants(meta);
    let mut existing = BTreeSet::new();
    let pairs: BTreeSet<(String, String)> = wanted
        .iter()
        .map(|g| (g.role.clone(), g.db_name.clone()))
        .collect();
    for (role, db) in &pairs {
        existing.extend(client.select_grants(role, db).await?);
    }
    let missing = missing_grants(&wanted, &existing);
    report.grants_existing = wanted.len() - missing.len();
    for g in &missing {
        client.grant_privilege(g).await?;
        report.grants_created += 1;
    }
    restore_users(client, &p, &mut report).await?;
    Ok(report)
}

/// The backup's grants of its own roles, without duplicates.
fn wanted_grants(meta: &RbacMeta) -> Vec<RbacGrant> {
    let set: BTreeSet<RbacGrant> = meta
        .grants
        .iter()
        .map(from_entity)
        .filter(|g| !g.role.is_empty() && !is_builtin_role(&g.role))
        .collect();
    set.into_iter().collect()
}

async fn restore_with_meta_rpcs(client: &MilvusClient, meta: &RbacMeta) -> Result<RbacReport> {
    let current = client.backup_rbac_meta().await?;
    let existing_roles: Vec<String> = current.roles.iter().map(|r| r.name.clone()).collect();
    let existing_users: Vec<(String, Vec<String>)> = current
        .users
        .iter()
        .map(|u| {
            (
                u.user.clone(),
                u.roles.iter().map(|r| r.name.clone()).collect(),
            )
        })
        .collect();
    let mut p = plan(meta, &existing_roles, &existing_users);
    p.warnings.clear(); // privilege groups are restored on this path
    let mut request = meta_rpc::restore_request(meta, &current);
    // Also roles that only a user or a grant names (the plan finds them all).
    request.roles = (p.create_roles.iter())
        .map(|name| crate::milvus::proto::milvus::RoleEntity { name: name.clone() })
        .collect();
    let mut report = RbacReport {
        roles_created: p.create_roles.clone(),
        roles_existing: p.roles_existing,
        users_existing: p.users_existing,
        grants_created: request.grants.len(),
        grants_existing: wanted_grants(meta)
            .len()
            .saturating_sub(request.grants.len()),
        privilege_groups_created: request.privilege_groups.len(),
        ..Default::default()
    };
    if request != Default::default() {
        client.restore_rbac_meta(request).await?;
    }
    restore_users(client, &p, &mut report).await?;
    Ok(report)
}

/// Creates the planned users (random password, never shown) and adds the user-role links.
async fn restore_users(client: &MilvusClient, p: &RbacPlan, report: &mut RbacReport) -> Result<()> {
    for user in &p.create_users {
        let password = random_password()?;
        client.create_user(user, password.expose()).await?;
        report.users_created.push(user.clone());
    }
    for (user, role) in &p.add_user_roles {
        client.add_user_to_role(user, role).await?;
        report.user_roles_added += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: &str, obj: &str, name: &str, privilege: &str, db: &str) -> RbacGrant {
        RbacGrant {
            role: role.into(),
            object_type: obj.into(),
            object_name: name.into(),
            privilege: privilege.into(),
            db_name: db.into(),
        }
    }

    fn user(name: &str, roles: &[&str]) -> (String, Vec<String>) {
        (name.into(), roles.iter().map(|r| r.to_string()).collect())
    }

    #[test]
    fn build_meta_leaves_out_builtins_and_sorts() {
        let m = build_meta(
            vec![
                "writer".into(),
                "admin".into(),
                "public".into(),
                "reader".into(),
            ],
            vec![
                user("root", &["admin"]),
                user("bob", &["writer", "public"]),
                user("alice", &["reader"]),
            ],
            vec![
                grant("reader", "Collection", "c", "Query", "default"),
                grant("public", "Global", "*", "DescribeCollection", "default"),
                grant("admin", "Global", "*", "All", "default"),
            ],
        );
        assert_eq!(
            m.roles,
            vec![NameEntity::new("reader"), NameEntity::new("writer")]
        );
        let users: Vec<_> = m.users.iter().map(|u| u.user.as_str()).collect();
        assert_eq!(users, ["alice", "bob"]);
        assert_eq!(m.users[1].roles, vec![NameEntity::new("writer")]);
        assert!(m.users.iter().all(|u| u.password.is_empty()));
        assert_eq!(m.grants.len(), 1);
        assert_eq!(
            from_entity(&m.grants[0]),
            grant("reader", "Collection", "c", "Query", "default")
        );
    }

    #[test]
    fn plan_creates_only_what_is_missing() {
        let meta = build_meta(
            vec!["reader".into(), "writer".into()],
            vec![
                user("alice", &["reader"]),
                user("bob", &["writer", "reader"]),
            ],
            vec![],
        );
        let p = plan(
            &meta,
            &["admin".into(), "reader".into()],
            &[user("bob", &["writer"])],
        );
        assert_eq!(p.create_roles, ["writer"]);
        assert_eq!(p.roles_existing, 1);
        assert_eq!(p.create_users, ["alice"]);
        assert_eq!(p.users_existing, 1);
        assert_eq!(
            p.add_user_roles,
            [
                ("alice".to_string(), "reader".to_string()),
                ("bob".to_string(), "reader".to_string())
            ]
        );
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn plan_never_touches_builtins_and_warns_about_privilege_groups() {
        let mut meta = RbacMeta {
            users: vec![UserInfo {
                user: "root".into(),
                password: "x".into(),
                roles: vec![NameEntity::new("admin")],
            }],
            roles: vec![NameEntity::new("admin"), NameEntity::new("public")],
            ..Default::default()
        };
        meta.privilege_groups.push(Default::default());
        let p = plan(&meta, &[], &[]);
        assert!(p.create_roles.is_empty() && p.create_users.is_empty());
        assert!(p.add_user_roles.is_empty());
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn missing_grants_skips_existing_and_duplicates() {
        let a = grant("r", "Collection", "c", "Query", "default");
        let b = grant("r", "Collection", "c", "Insert", "default");
        let existing: BTreeSet<_> = [a.clone()].into();
        assert_eq!(missing_grants(&[a, b.clone(), b.clone()], &existing), [b]);
    }

    #[test]
    fn random_passwords_differ_and_fit_milvus_rules() {
        let a = random_password().unwrap();
        let b = random_password().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 32);
        assert!(a.expose().chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn empty_grant_db_means_default() {
        let mut e = to_entity(&grant("r", "Global", "*", "CreateCollection", "default"));
        e.db_name.clear();
        assert_eq!(from_entity(&e).db_name, "default");
    }
}
