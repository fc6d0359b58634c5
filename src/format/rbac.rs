//! `rbac_meta`: users (names and roles only), roles, grants and privilege groups, with the
//! key names milvus-backup's `RBACMeta` uses, so either tool reads the other's backups.

use serde::{Deserialize, Serialize};

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacMeta {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<NameEntity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<GrantEntity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub privilege_groups: Vec<PrivilegeGroupInfo>,
}

impl RbacMeta {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
            && self.roles.is_empty()
            && self.grants.is_empty()
            && self.privilege_groups.is_empty()
    }
}

/// A user. This project never writes `password` (milvus-backup on 2.4.10+ stores the server's
/// hash there); it is read so that such backups parse, and never sent anywhere.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserInfo {
    #[serde(skip_serializing_if = "is_default")]
    pub user: String,
    #[serde(skip_serializing_if = "is_default")]
    pub password: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<NameEntity>,
}

/// `{"name": ...}`: milvus-backup's RoleEntity, UserEntity, ObjectEntity and PrivilegeEntity.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(default)]
pub struct NameEntity {
    #[serde(skip_serializing_if = "is_default")]
    pub name: String,
}

impl NameEntity {
    pub fn new(name: impl Into<String>) -> NameEntity {
        NameEntity { name: name.into() }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GrantEntity {
    pub role: Option<NameEntity>,
    /// The object type: `Global`, `Collection`, `User`, ...
    pub object: Option<NameEntity>,
    #[serde(skip_serializing_if = "is_default")]
    pub object_name: String,
    pub grantor: Option<GrantorEntity>,
    #[serde(skip_serializing_if = "is_default")]
    pub db_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GrantorEntity {
    pub user: Option<NameEntity>,
    pub privilege: Option<NameEntity>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivilegeGroupInfo {
    #[serde(skip_serializing_if = "is_default")]
    pub group_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub privileges: Vec<NameEntity>,
}

fn name_of(e: &Option<NameEntity>) -> &str {
    e.as_ref().map(|n| n.name.as_str()).unwrap_or("")
}

impl GrantEntity {
    pub fn role_name(&self) -> &str {
        name_of(&self.role)
    }
    pub fn object_type(&self) -> &str {
        name_of(&self.object)
    }
    pub fn privilege(&self) -> &str {
        self.grantor
            .as_ref()
            .map(|g| name_of(&g.privilege))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_milvus_backup_keys() {
        let json = r#"{"users":[{"user":"alice","password":"hash","roles":[{"name":"reader"}]}],
            "roles":[{"name":"reader"}],
            "grants":[{"role":{"name":"reader"},"object":{"name":"Collection"},"object_name":"c1",
                       "grantor":{"user":{"name":"root"},"privilege":{"name":"Query"}},"db_name":"default"}],
            "privilege_groups":[{"group_name":"g","privileges":[{"name":"Query"}]}]}"#;
        let m: RbacMeta = serde_json::from_str(json).unwrap();
        assert_eq!(m.users[0].user, "alice");
        assert_eq!(m.users[0].roles, vec![NameEntity::new("reader")]);
        assert_eq!(m.roles, vec![NameEntity::new("reader")]);
        let g = &m.grants[0];
        assert_eq!(
            (g.role_name(), g.object_type(), g.object_name.as_str()),
            ("reader", "Collection", "c1")
        );
        assert_eq!((g.privilege(), g.db_name.as_str()), ("Query", "default"));
        assert_eq!(m.privilege_groups[0].privileges[0].name, "Query");
    }

    #[test]
    fn writes_no_password_key_when_empty() {
        let m = RbacMeta {
            users: vec![UserInfo {
                user: "alice".into(),
                password: String::new(),
                roles: vec![NameEntity::new("reader")],
            }],
            ..Default::default()
        };
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(
            text,
            r#"{"users":[{"user":"alice","roles":[{"name":"reader"}]}]}"#
        );
    }
}
