//! Users, roles and grants through the RPCs Milvus has had since 2.2 (SelectUser, SelectRole,
//! SelectGrant, CreateCredential, CreateRole, OperateUserRole, OperatePrivilege).

use super::*;
use base64::Engine as _;

/// One grant as SelectGrant lists it and OperatePrivilege takes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RbacGrant {
    pub role: String,
    /// `Global`, `Collection`, `User`, ...
    pub object_type: String,
    pub object_name: String,
    pub privilege: String,
    pub db_name: String,
}

/// The request OperatePrivilege gets to grant `g` (the server fills in the grantor user).
pub(crate) fn grant_request(g: &RbacGrant) -> pm::OperatePrivilegeRequest {
    pm::OperatePrivilegeRequest {
        base: None,
        entity: Some(pm::GrantEntity {
            role: Some(pm::RoleEntity {
                name: g.role.clone(),
            }),
            object: Some(pm::ObjectEntity {
                name: g.object_type.clone(),
            }),
            object_name: g.object_name.clone(),
            grantor: Some(pm::GrantorEntity {
                user: None,
                privilege: Some(pm::PrivilegeEntity {
                    name: g.privilege.clone(),
                }),
            }),
            db_name: g.db_name.clone(),
        }),
        r#type: pm::OperatePrivilegeType::Grant as i32,
    }
}

/// The request CreateCredential gets: the SDKs send the password base64-encoded.
pub(crate) fn credential_request(user: &str, password: &str) -> pm::CreateCredentialRequest {
    pm::CreateCredentialRequest {
        base: None,
        username: user.to_string(),
        password: base64::engine::general_purpose::STANDARD.encode(password),
        created_utc_timestamps: 0,
        modified_utc_timestamps: 0,
    }
}

impl MilvusClient {
    /// Every user with the names of its roles.
    pub async fn select_users(&self) -> Result<Vec<(String, Vec<String>)>> {
        const OP: &str = "SelectUser";
        let resp = send(
            OP,
            "users",
            self.svc().select_user(self.req(
                pm::SelectUserRequest {
                    base: None,
                    user: None,
                    include_role_info: true,
                },
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, "users", resp.status.as_ref())?;
        Ok(resp
            .results
            .into_iter()
            .filter_map(|r| {
                let user = r.user?.name;
                Some((user, r.roles.into_iter().map(|e| e.name).collect()))
            })
            .collect())
    }

    /// The names of every role.
    pub async fn select_roles(&self) -> Result<Vec<String>> {
        const OP: &str = "SelectRole";
        let resp = send(
            OP,
            "roles",
            self.svc().select_role(self.req(
                pm::SelectRoleRequest {
                    base: None,
                    role: None,
                    include_user_info: false,
                },
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, "roles", resp.status.as_ref())?;
        Ok(resp
            .results
            .into_iter()
            .filter_map(|r| r.role.map(|e| e.name))
            .collect())
    }

    /// The grants of `role` in database `db`.
    pub async fn select_grants(&self, role: &str, db: &str) -> Result<Vec<RbacGrant>> {
        const OP: &str = "SelectGrant";
        let target = format!("role {role} in database {}", db_label(db));
        let resp = send(
            OP,
            &target,
            self.svc().select_grant(self.req(
                pm::SelectGrantRequest {
                    base: None,
                    entity: Some(pm::GrantEntity {
                        role: Some(pm::RoleEntity {
                            name: role.to_string(),
                        }),
                        db_name: db.to_string(),
                        ..Default::default()
                    }),
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        if let Some(reason) = failure(resp.status.as_ref()) {
            // 2.2/2.3 answer "not found" for a role without grants.
            if reason.to_ascii_lowercase().contains("not found") {
                return Ok(Vec::new());
            }
            return Err(Error::Milvus {
                op: OP,
                target,
                reason,
            });
        }
        Ok(resp
            .entities
            .into_iter()
            .map(|e| RbacGrant {
                role: e.role.map(|r| r.name).unwrap_or_default(),
                object_type: e.object.map(|o| o.name).unwrap_or_default(),
                object_name: e.object_name,
                privilege: e
                    .grantor
                    .and_then(|g| g.privilege)
                    .map(|p| p.name)
                    .unwrap_or_default(),
                db_name: if e.db_name.is_empty() {
                    db.to_string()
                } else {
                    e.db_name
                },
            })
            .collect())
    }

    pub async fn create_role(&self, role: &str) -> Result<()> {
        const OP: &str = "CreateRole";
        let target = format!("role {role}");
        let resp = send(
            OP,
            &target,
            self.svc().create_role(self.req(
                pm::CreateRoleRequest {
                    base: None,
                    entity: Some(pm::RoleEntity {
                        name: role.to_string(),
                    }),
                },
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    pub async fn grant_privilege(&self, g: &RbacGrant) -> Result<()> {
        const OP: &str = "OperatePrivilege";
        let target = format!(
            "grant {} on {} {} to role {} in database {}",
            g.privilege,
            g.object_type,
            g.object_name,
            g.role,
            db_label(&g.db_name)
        );
        let resp = send(
            OP,
            &target,
            self.svc().operate_privilege(self.req(
                grant_request(g),
                Some(&g.db_name),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    /// Creates user `user` with `password` (never logged).
    pub async fn create_user(&self, user: &str, password: &str) -> Result<()> {
        const OP: &str = "CreateCredential";
        let target = format!("user {user}");
        let resp = send(
            OP,
            &target,
            self.svc().create_credential(self.req(
                credential_request(user, password),
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    /// 2.4.10+: the whole RBAC state (users with their password hashes: drop them).
    pub async fn backup_rbac_meta(&self) -> Result<pm::RbacMeta> {
        const OP: &str = "BackupRBAC";
        let resp = send(
            OP,
            "rbac",
            self.svc().backup_rbac(self.req(
                pm::BackupRbacMetaRequest { base: None },
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, "rbac", resp.status.as_ref())?;
        Ok(resp.rbac_meta.unwrap_or_default())
    }

    /// 2.4.10+: adds the given roles, grants, privilege groups and users.
    pub async fn restore_rbac_meta(&self, meta: pm::RbacMeta) -> Result<()> {
        const OP: &str = "RestoreRBAC";
        let resp = send(
            OP,
            "rbac",
            self.svc().restore_rbac(self.req(
                pm::RestoreRbacMetaRequest {
                    base: None,
                    rbac_meta: Some(meta),
                },
                None,
                SLOW_CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, "rbac", Some(&resp))
    }

    pub async fn add_user_to_role(&self, user: &str, role: &str) -> Result<()> {
        const OP: &str = "OperateUserRole";
        let target = format!("user {user} to role {role}");
        let resp = send(
            OP,
            &target,
            self.svc().operate_user_role(self.req(
                pm::OperateUserRoleRequest {
                    base: None,
                    username: user.to_string(),
                    role_name: role.to_string(),
                    r#type: pm::OperateUserRoleType::AddUserToRole as i32,
                },
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_request_carries_every_part() {
        let g = RbacGrant {
            role: "reader".into(),
            object_type: "Collection".into(),
            object_name: "books".into(),
            privilege: "Query".into(),
            db_name: "db1".into(),
        };
        let r = grant_request(&g);
        assert_eq!(r.r#type, pm::OperatePrivilegeType::Grant as i32);
        let e = r.entity.unwrap();
        assert_eq!(e.role.unwrap().name, "reader");
        assert_eq!(e.object.unwrap().name, "Collection");
        assert_eq!(e.object_name, "books");
        assert_eq!(e.db_name, "db1");
        let grantor = e.grantor.unwrap();
        assert!(grantor.user.is_none());
        assert_eq!(grantor.privilege.unwrap().name, "Query");
    }

    #[test]
    fn credential_request_sends_the_password_base64_encoded() {
        let r = credential_request("alice", "secret1");
        assert_eq!(r.username, "alice");
        assert_eq!(r.password, "c2VjcmV0MQ==");
    }
}
