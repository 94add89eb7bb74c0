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
        db.jdbc().update("insert into file_versions (name, version, source_url, digest, size_bytes, created_at, created_by, tenant) values (?, ?, ?, ?, ?, ?, ?, ?)",
                f.name(), f.version(), f.sourceUrl(), f.digest(), f.sizeBytes(), f.createdAt(), f.createdBy(), f.tenant());
    }

    public Optional<FileVersion> find(String name, String version) {
        return query(" where name = ? and version = ?", name, version).stream().findFirst();
    }

    public List<FileVersion> list(String name) {
        return name == null ? query("") : query(" where name = ?", name);
    }

    /** Versions of {@code tenant} (null: all), optionally of one file name. */
    public List<FileVersion> list(String name, String tenant) {
        return list(name).stream().filter(f -> tenant == null || f.tenant().equals(tenant)).toList();
    }

    public boolean delete(String name, String version) {
        return db.jdbc().update("delete from file_versions where name = ? and version = ?", name, version) > 0;
    }

    private List<FileVersion> query(String where, Object... args) {
        return db.jdbc().query("select name, version, source_url, digest, size_bytes, created_at, created_by, tenant from file_versions" + where
                        + " order by name, created_at",
                (rs, i) -> new FileVersion(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        (Long) rs.getObject(5, Long.class), rs.getLong(6), rs.getString(7), rs.getString(8)), args);
    }
}
