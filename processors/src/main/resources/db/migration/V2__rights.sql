-- Rights: tenants, roles and grants, scoped and revocable tokens, login throttling, and a
-- hash-chained audit log. Portable across H2, PostgreSQL and MySQL/MariaDB (see V1).

create table tenants (
    name       varchar(64) not null primary key,
    created_at bigint      not null,
    created_by varchar(64) not null
);
insert into tenants (name, created_at, created_by) values ('default', 0, 'system');

alter table users add column tenant varchar(64) default 'default' not null;
alter table users add column disabled boolean default false not null;
alter table users add column updated_at bigint;

-- custom roles of a tenant: permission patterns (action:resource, comma separated), optionally limited to named clusters
create table roles (
    tenant      varchar(64)   not null,
    name        varchar(64)   not null,
    permissions varchar(2000) not null,
    clusters    varchar(2000),
    created_at  bigint        not null,
    created_by  varchar(64)   not null,
    primary key (tenant, name)
);

-- roles granted to users (built-in or the user's tenant's custom roles), optionally limited to named clusters
create table user_roles (
    username varchar(64)   not null,
    role     varchar(64)   not null,
    clusters varchar(2000),
    primary key (username, role),
    constraint fk_grant_user foreign key (username) references users (username) on delete cascade
);
insert into user_roles (username, role, clusters)
    select username, case when role = 'admin' then 'super-admin' else role end, null from users;

alter table api_tokens add column id varchar(36);
alter table api_tokens add column scopes varchar(2000);
alter table api_tokens add column revoked_at bigint;
update api_tokens set id = substring(token_hash, 1, 32);

create table login_failures (
    username     varchar(64) not null primary key,
    failures     int         not null,
    first_at     bigint      not null,
    locked_until bigint
);

alter table clusters add column tenant varchar(64) default 'default' not null;
alter table file_versions add column tenant varchar(64) default 'default' not null;
alter table tasks add column tenant varchar(64) default 'default' not null;

alter table audit_log add column tenant varchar(64);
alter table audit_log add column client varchar(64);
alter table audit_log add column seq bigint;
alter table audit_log add column prev_hash varchar(64);
alter table audit_log add column row_hash varchar(64);
create index ix_audit_seq on audit_log (seq);

-- the end of the audit chain: appends lock this row, so the chain stays one line across replicas
create table audit_head (
    id       int         not null primary key,
    seq      bigint      not null,
    row_hash varchar(64) not null
);
insert into audit_head (id, seq, row_hash) values (1, 0, 'genesis');
