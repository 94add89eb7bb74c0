package io.darner.processors.api;

import io.darner.engine.manifest.ContentDigest;
import io.darner.processors.ApiException;
import io.darner.processors.Json;
import io.darner.processors.Props;
import io.darner.processors.lifecycle.FileSources;
import io.darner.processors.lifecycle.ValidateProcessor;
import io.darner.processors.store.FileVersionStore;
import io.darner.processors.store.Principal;
import org.apache.camel.Exchange;
import org.springframework.dao.DuplicateKeyException;

import java.util.Map;

/** Named, versioned artifacts: create, list, get, delete. */
public final class FileVersionApi {
    /** {@code POST /api/v1/files} body. */
    public record FileRequest(String name, String version, String source, String digest, Long sizeBytes, String tenant) {}

    private final FileVersionStore files;

    private final io.darner.processors.store.RightsStore rights;
    private final FileSources fileSources;

    /**
     * With {@code rights}: the super administrator may register a file version for another tenant
     * ({@code "tenant"}); {@code file://} sources only from {@code fileSources}.
     */
    public FileVersionApi(FileVersionStore files, io.darner.processors.store.RightsStore rights, FileSources fileSources) {
        this.files = files;
        this.rights = rights;
        this.fileSources = fileSources;
    }

    public void create(Exchange exchange) {
        FileRequest r = Json.read(exchange, FileRequest.class);
        // each part checked on its own (with a valid other half), so that the error names the part at fault
        if (r.name() == null || !ValidateProcessor.FILE_REF.matcher(r.name() + "@1").matches()) {
            throw ApiException.badRequest("name", "file name is missing or not valid", "use letters, digits, '.', '_' or '-' (at most 128)");
        }
        if (r.version() == null || !ValidateProcessor.FILE_REF.matcher("a@" + r.version()).matches()) {
            throw ApiException.badRequest("version", "version is missing or not valid", "use letters, digits, '.', '_', '+' or '-' (at most 64)");
        }
        if (r.source() == null) throw ApiException.badRequest("source", "source is missing", "give the URL the file is fetched from");
        ValidateProcessor.source(r.source());
        fileSources.check(r.source(), "source");
        String digest = null;
        if (r.digest() != null) {
            try {
                digest = ContentDigest.parse(r.digest()).toString();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("digest", "digest '" + r.digest() + "' is not 'sha256:' followed by 64 hex digits", "give the file's SHA-256, or leave it out");
            }
        }
        if (r.sizeBytes() != null && r.sizeBytes() < 0) throw ApiException.badRequest("sizeBytes", "sizeBytes is negative", "give the size in bytes, or leave it out");
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        String tenant = TenantField.of(r.tenant(), p, rights);
        FileVersionStore.FileVersion f = new FileVersionStore.FileVersion(r.name(), r.version(), r.source(), digest, r.sizeBytes(), System.currentTimeMillis(), p.username(), tenant);
        exchange.setProperty(Props.AUDIT_TARGET, "file/" + f.ref());
        try {
            files.create(f);
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("version", "file " + f.ref() + " exists already", "versions are immutable: register a new version");
        }
        Views.reply(exchange, 201, Views.file(f));
    }

    public void list(Exchange exchange) {
        Principal p = exchange.getProperty(Props.PRINCIPAL, Principal.class);
        Views.reply(exchange, 200, Map.of("items", files.list(Params.text(exchange, "name", 128), p.superAdmin() ? null : p.tenant()).stream().map(Views::file).toList()));
    }

    public void get(Exchange exchange) {
        Views.reply(exchange, 200, Views.file(find(exchange)));
    }

    public void delete(Exchange exchange) {
        FileVersionStore.FileVersion f = find(exchange);
        exchange.setProperty(Props.AUDIT_TARGET, "file/" + f.ref());
        files.delete(f.tenant(), f.name(), f.version());
        io.darner.processors.Json.noContent(exchange);
    }

    /** The file version authorize found for the path (of the tenant it set). */
    private FileVersionStore.FileVersion find(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        String version = exchange.getMessage().getHeader("version", String.class);
        return files.find(exchange.getProperty(Props.OBJECT_TENANT, "", String.class), name == null ? "" : name, version == null ? "" : version)
                .orElseThrow(() -> ApiException.notFound("version", "file " + name + "@" + version + " does not exist", "see GET /api/v1/files"));
    }
}
