//! Milvus 2.4.10 and later: the RBAC state through `BackupRBAC` / `RestoreRBAC`, as
//! milvus-backup does there. Untested here (no 2.4 server runs in the sandbox): the request
//! building is unit-tested against the milvus-proto v2.4 messages.
//!
//! What differs from milvus-backup: password hashes are dropped on backup, and users are not
//! sent to RestoreRBAC (they are created by [`super::restore`] with a random password).

use crate::format::{GrantEntity, NameEntity, PrivilegeGroupInfo, RbacMeta};
use crate::milvus::RbacGrant;
use crate::milvus::proto::milvus as pm;
use std::collections::BTreeSet;

/// Whether `version` (`v2.4.10`, `2.5.3`, `v2.4.0-dev`, ...) has BackupRBAC/RestoreRBAC that
/// this tool uses: 2.4.10 and later. A `-dev` (or other pre-release) tag counts as the newest
/// patch of its minor, as milvus-backup reads it.
pub fn has_meta_rpcs(version: &str) -> bool {
    let v = version.trim().trim_start_matches('v');
    let (core, tag) = match v.split_once('-') {
        Some((c, t)) => (c, !t.is_empty()),
        None => (v, false),
    };
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next()) else {
        return false;
    };
    let patch = if tag {
        u64::MAX
    } else {
        parts.next().flatten().unwrap_or(0)
    };
    (major, minor, patch) >= (2, 4, 10)
}

fn name(e: &Option<pm::RoleEntity>) -> String {
    e.as_ref().map(|r| r.name.clone()).unwrap_or_default()
}

pub(super) fn grant_of(g: &pm::GrantEntity) -> RbacGrant {
    RbacGrant {
        role: name(&g.role),
        object_type: g
            .object
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        object_name: g.object_name.clone(),
        privilege: g
            .grantor
            .as_ref()
            .and_then(|gr| gr.privilege.as_ref())
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        db_name: if g.db_name.is_empty() {
            "default".to_string()
        } else {
            g.db_name.clone()
        },
    }
}

/// The backup document for what BackupRBAC answered: built-ins left out, no password hash.
pub fn from_server(meta: pm::RbacMeta) -> RbacMeta {
    let roles = meta.roles.into_iter().map(|r| r.name).collect();
    let users = meta
        .users
        .into_iter()
        .map(|u| (u.user, u.roles.into_iter().map(|r| r.name).collect()))
        .collect();
    let grants = meta.grants.iter().map(grant_of).collect();
    let mut out = super::build_meta(roles, users, grants);
    out.privilege_groups = meta
        .privilege_groups
        .into_iter()
        .map(|g| PrivilegeGroupInfo {
            group_name: g.group_name,
            privileges: g
                .privileges
                .into_iter()
                .map(|p| NameEntity::new(p.name))
                .collect(),
        })
        .collect();
    out
}

fn to_pm_grant(g: &GrantEntity) -> pm::GrantEntity {
    pm::GrantEntity {
        role: Some(pm::RoleEntity {
            name: g.role_name().to_string(),
        }),
        object: Some(pm::ObjectEntity {
            name: g.object_type().to_string(),
        }),
        object_name: g.object_name.clone(),
        grantor: Some(pm::GrantorEntity {
            user: None,
            privilege: Some(pm::PrivilegeEntity {
                name: g.privilege().to_string(),
            }),
        }),
        db_name: g.db_name.clone(),
    }
}

/// What RestoreRBAC gets: the backup's roles, grants and privilege groups that `current`
/// lacks (grants compared by role, object, object name, privilege and database). No users.
pub fn restore_request(backup: &RbacMeta, current: &pm::RbacMeta) -> pm::RbacMeta {
    let have_roles: BTreeSet<&str> = current.roles.iter().map(|r| r.name.as_str()).collect();
    let have_grants: BTreeSet<RbacGrant> = current.grants.iter().map(grant_of).collect();
    let have_groups: BTreeSet<&str> = current
        .privilege_groups
        .iter()
        .map(|g| g.group_name.as_str())
        .collect();
    let builtin = |r: &str| super::BUILTIN_ROLES.contains(&r);
    let mut seen = BTreeSet::new();
    pm::RbacMeta {
        users: Vec::new(),
        roles: backup
            .roles
            .iter()
            .filter(|r| !r.name.is_empty() && !builtin(&r.name))
            .filter(|r| !have_roles.contains(r.name.as_str()))
            .map(|r| pm::RoleEntity {
                name: r.name.clone(),
            })
            .collect(),
        grants: backup
            .grants
            .iter()
            .filter(|g| !g.role_name().is_empty() && !builtin(g.role_name()))
            .filter(|g| {
                let key = super::from_entity(g);
                !have_grants.contains(&key) && seen.insert(key)
            })
            .map(to_pm_grant)
            .collect(),
        privilege_groups: backup
            .privilege_groups
            .iter()
            .filter(|g| !have_groups.contains(g.group_name.as_str()))
            .map(|g| pm::PrivilegeGroupInfo {
                group_name: g.group_name.clone(),
                privileges: g
                    .privileges
                    .iter()
                    .map(|p| pm::PrivilegeEntity {
                        name: p.name.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm_grant(role: &str, obj: &str, name: &str, privilege: &str, db: &str) -> pm::GrantEntity {
        pm::GrantEntity {
            role: Some(pm::RoleEntity { name: role.into() }),
            object: Some(pm::ObjectEntity { name: obj.into() }),
            object_name: name.into(),
            grantor: Some(pm::GrantorEntity {
                user: Some(pm::UserEntity {
                    name: "root".into(),
                }),
                privilege: Some(pm::PrivilegeEntity {
                    name: privilege.into(),
                }),
            }),
            db_name: db.into(),
        }
    }

    fn role(n: &str) -> pm::RoleEntity {
        pm::RoleEntity { name: n.into() }
    }

    /// A BackupRBAC answer as a 2.5 server gives it (password hashes, built-ins included).
    fn server_answer() -> pm::RbacMeta {
        pm::RbacMeta {
            users: vec![
                pm::UserInfo {
                    user: "root".into(),
                    password: "$2a$10$hash-of-root".into(),
                    roles: vec![role("admin")],
                },
                pm::UserInfo {
                    user: "alice".into(),
                    password: "$2a$10$hash-of-alice".into(),
                    roles: vec![role("reader")],
                },
            ],
            roles: vec![
                role("admin"),
                role("public"),
                role("reader"),
                role("writer"),
            ],
            grants: vec![
                pm_grant("reader", "Collection", "books", "Query", "default"),
                pm_grant("writer", "Collection", "*", "Insert", "shop"),
                pm_grant("public", "Global", "*", "DescribeCollection", "default"),
            ],
            privilege_groups: vec![pm::PrivilegeGroupInfo {
                group_name: "readers".into(),
                privileges: vec![
                    pm::PrivilegeEntity {
                        name: "Query".into(),
                    },
                    pm::PrivilegeEntity {
                        name: "Search".into(),
                    },
                ],
            }],
        }
    }

    #[test]
    fn version_gate_is_2_4_10_with_dev_tags_as_newest_patch() {
        for v in [
            "v2.4.10",
            "2.4.11",
            "v2.5.0",
            "v2.6.3",
            "v3.0.0",
            "v2.4.0-dev",
        ] {
            assert!(has_meta_rpcs(v), "{v}");
        }
        for v in ["v2.4.9", "v2.3.5", "v2.2.16", "2.3.5-lite", "", "garbage"] {
            assert!(!has_meta_rpcs(v), "{v}");
        }
    }

    #[test]
    fn backup_drops_password_hashes_and_builtins() {
        let m = from_server(server_answer());
        let text = serde_json::to_string(&m).unwrap();
        assert!(!text.contains("hash"), "{text}");
        assert!(!text.contains("password"), "{text}");
        assert_eq!(m.users.len(), 1);
        assert_eq!(m.users[0].user, "alice");
        assert_eq!(
            m.roles,
            vec![NameEntity::new("reader"), NameEntity::new("writer")]
        );
        assert_eq!(m.grants.len(), 2);
        assert_eq!(m.privilege_groups[0].group_name, "readers");
        assert_eq!(m.privilege_groups[0].privileges.len(), 2);
    }

    #[test]
    fn restore_request_holds_only_what_the_target_lacks_and_no_users() {
        let backup = from_server(server_answer());
        let current = pm::RbacMeta {
            users: vec![],
            roles: vec![role("admin"), role("public"), role("reader")],
            grants: vec![pm_grant("reader", "Collection", "books", "Query", "")],
            privilege_groups: vec![],
        };
        let req = restore_request(&backup, &current);
        assert!(req.users.is_empty());
        assert_eq!(req.roles, vec![role("writer")]);
        assert_eq!(req.grants.len(), 1);
        let g = &req.grants[0];
        assert_eq!(grant_of(g), super::super::from_entity(&backup.grants[1]));
        assert_eq!(g.role.as_ref().unwrap().name, "writer");
        assert_eq!(g.object.as_ref().unwrap().name, "Collection");
        assert_eq!((g.object_name.as_str(), g.db_name.as_str()), ("*", "shop"));
        assert_eq!(
            g.grantor.as_ref().unwrap().privilege.as_ref().unwrap().name,
            "Insert"
        );
        assert_eq!(req.privilege_groups.len(), 1);
        assert_eq!(req.privilege_groups[0].group_name, "readers");
    }

    #[test]
    fn restore_request_is_empty_when_everything_exists() {
        let backup = from_server(server_answer());
        let req = restore_request(&backup, &server_answer());
        assert_eq!(req, pm::RbacMeta::default());
    }
}
