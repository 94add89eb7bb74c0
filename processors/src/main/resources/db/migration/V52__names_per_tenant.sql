-- Cluster and file-version names are unique per tenant, not across tenants: a name another tenant
-- took is none of this tenant's business. New tables keyed by tenant, the rows copied, the old
-- tables dropped (portable across H2, PostgreSQL and MySQL/MariaDB, unlike dropping a primary key).
create table clusters_t (
    tenant     varchar(64) not null,
    name       varchar(64) not null,
    kind       varchar(16) not null,
    created_at bigint      not null,
    created_by varchar(64) not null,
    primary key (tenant, name)
);
insert into clusters_t (tenant, name, kind, created_at, created_by) select tenant, name, kind, created_at, created_by from clusters;

create table cluster_nodes_t (
    tenant       varchar(64)  not null,
    cluster_name varchar(64)  not null,
    node_id      varchar(128) not null,
    room         varchar(64)  not null,
    primary key (tenant, cluster_name, node_id),
    constraint fk_cluster_nodes_cluster foreign key (tenant, cluster_name) references clusters_t (tenant, name) on delete cascade
);
insert into cluster_nodes_t (tenant, cluster_name, node_id, room)
    select c.tenant, n.cluster_name, n.node_id, n.room from cluster_nodes n join clusters c on c.name = n.cluster_name;

drop table cluster_nodes;
drop table clusters;
alter table clusters_t rename to clusters;
alter table cluster_nodes_t rename to cluster_nodes;

create table file_versions_t (
    tenant     varchar(64)   not null,
    name       varchar(128)  not null,
    version    varchar(64)   not null,
    source_url varchar(2048) not null,
    digest     varchar(71),
    size_bytes bigint,
    created_at bigint        not null,
    created_by varchar(64)   not null,
    primary key (tenant, name, version)
);
insert into file_versions_t (tenant, name, version, source_url, digest, size_bytes, created_at, created_by)
    select tenant, name, version, source_url, digest, size_bytes, created_at, created_by from file_versions;
drop table file_versions;
alter table file_versions_t rename to file_versions;
