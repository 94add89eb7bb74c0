package io.darner.server;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/** {@code darner.*} settings; defaults in {@code application.yaml}. */
@ConfigurationProperties(prefix = "darner")
public class DarnerProperties {
    /** Where the server keeps its H2 database, the cluster secret and the embedded supernode's pieces. */
    private Path dataDir = Path.of("data");
    /** This replica's id among servers sharing one database (default: kept in DATA_DIR/instance.id). */
    private String instanceId = "";
    private final Supernode supernode = new Supernode();
    private final Tasks tasks = new Tasks();
    private final Bootstrap bootstrap = new Bootstrap();
    /** Supernodes of other rooms, run as their own daemons: room → their admin address (HOST:PORT). */
    private final java.util.Map<String, String> externalSupernodes = new java.util.LinkedHashMap<>();
    private final Auth auth = new Auth();
    /** Directories {@code file://} sources may be read from (the seed runs in the server); empty: none. */
    private java.util.List<Path> fileSources = new java.util.ArrayList<>();

    public static class Auth {
        /** Failed logins in a row (per user name) after which logins are refused with 429 for {@code lockout}. */
        private int maxFailedLogins = 5;
        /** How long a user name stays locked after too many failed logins (also the window failures are counted in). */
        private Duration lockout = Duration.ofMinutes(15);

        public int getMaxFailedLogins() { return maxFailedLogins; }
        public void setMaxFailedLogins(int maxFailedLogins) { this.maxFailedLogins = maxFailedLogins; }
        public Duration getLockout() { return lockout; }
        public void setLockout(Duration lockout) { this.lockout = lockout; }
    }

    public static class Supernode {
        /** Id of the embedded supernode. */
        private String id = "server";
        /** The room it schedules; also the room of nodes listed without one. */
        private String room = "default";
        /** Control address agents join (HOST:PORT). */
        private String listen = "127.0.0.1:7300";
        /** Address the seed serves pieces on (port 0: any free port). */
        private String seedListen = "127.0.0.1:0";
        /** Cluster secret file; created with 32 random bytes at first start if missing. Default: DATA_DIR/cluster.secret. */
        private Path secretFile;

        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getRoom() { return room; }
        public void setRoom(String room) { this.room = room; }
        public String getListen() { return listen; }
        public void setListen(String listen) { this.listen = listen; }
        public String getSeedListen() { return seedListen; }
        public void setSeedListen(String seedListen) { this.seedListen = seedListen; }
        public Path getSecretFile() { return secretFile; }
        public void setSecretFile(Path secretFile) { this.secretFile = secretFile; }
    }

    public static class Tasks {
        /** How long fan-out waits for a target node to join its supernode before failing it. */
        private Duration joinTimeout = Duration.ofSeconds(60);
        /** How long a node may be gone from its supernode mid-task before it fails. */
        private Duration nodeTimeout = Duration.ofSeconds(30);

        public Duration getJoinTimeout() { return joinTimeout; }
        public void setJoinTimeout(Duration joinTimeout) { this.joinTimeout = joinTimeout; }
        public Duration getNodeTimeout() { return nodeTimeout; }
        public void setNodeTimeout(Duration nodeTimeout) { this.nodeTimeout = nodeTimeout; }
    }

    public static class Bootstrap {
        /** Password of the first administrator; empty: a random one, printed once at first start. */
        private String adminPassword = "";

        public String getAdminPassword() { return adminPassword; }
        public void setAdminPassword(String adminPassword) { this.adminPassword = adminPassword; }
    }

    public String getInstanceId() { return instanceId; }
    public void setInstanceId(String instanceId) { this.instanceId = instanceId; }
    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public Supernode getSupernode() { return supernode; }
    public Tasks getTasks() { return tasks; }
    public Bootstrap getBootstrap() { return bootstrap; }
    public java.util.Map<String, String> getExternalSupernodes() { return externalSupernodes; }
    public Auth getAuth() { return auth; }
    public java.util.List<Path> getFileSources() { return fileSources; }
    public void setFileSources(java.util.List<Path> fileSources) { this.fileSources = fileSources; }
}
