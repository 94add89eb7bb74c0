package io.darner.processors.store;

import java.util.List;
import java.util.Optional;

/** Named, versioned artifacts that tasks may distribute as {@code name@version}. */
public final class FileVersionStore {
    public record FileVersion(String name, String version, String sourceUrl, String digest, Long sizeBytes, long createdAt, String createdBy, String tenant) {
        public FileVersion(String name, String version, String sourceUrl, String digest, Long sizeBytes, long createdAt, String createdBy) {
            this(name, version, sourceUrl, digest, sizeBytes, createdAt, createdBy, Principal.DEFAULT_TENANT);
        }

        public String ref() {
            return name + "@" + version;
        }
    }

    private final Db db;

    public FileVersionStore(Db db) {
        this.db = db;
    }

    public void create(FileVersion f) {
        db.jdbc().update("insert into file_versions (tenant, name, version, source_url, digest, size_bytes, created_at, created_by) values (?, ?, ?, ?, ?, ?, ?, ?)",
                f.tenant(), f.name(), f.version(), f.sourceUrl(), f.digest(), f.sizeBytes(), f.createdAt(), f.createdBy());
    }

    /** The version {@code name@version} of {@code tenant}. */
    public Optional<FileVersion> find(String tenant, String name, String version) {
        return query(" where tenant = ? and name = ? and version = ?", tenant, name, version).stream().findFirst();
    }

    /** The versions {@code name@version} of every tenant (unique per tenant). */
    public List<FileVersion> named(String name, String version) {
        return query(" where name = ? and version = ?", name, version);
    }

    /** Versions of {@code tenant} (null: all), optionally of one file name. */
    public List<FileVersion> list(String name, String tenant) {
        if (name == null) return tenant == null ? query("") : query(" where tenant = ?", tenant);
        return tenant == null ? query(" where name = ?", name) : query(" where tenant = ? and name = ?", tenant, name);
    }

    public boolean delete(String tenant, String name, String version) {
        return db.jdbc().update("delete from file_versions where tenant = ? and name = ? and version = ?", tenant, name, version) > 0;
    }

    private List<FileVersion> query(String where, Object... args) {
        return db.jdbc().query("select name, version, source_url, digest, size_bytes, created_at, created_by, tenant from file_versions" + where
                        + " order by name, created_at",
                (rs, i) -> new FileVersion(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        (Long) rs.getObject(5, Long.class), rs.getLong(6), rs.getString(7), rs.getString(8)), args);
    }
}
