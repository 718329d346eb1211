import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs a real Neo4j Community DBMS (the org.neo4j:neo4j artifact, embedded) as a small server for tests:
 * Bolt on 127.0.0.1:PORT without TLS, HTTP and HTTPS off, authentication on, usage reporting off, and the neo4j
 * user's password set from the environment. Prints "READY ..." once clients can log in, then runs until SIGTERM or SIGINT and shuts
 * the DBMS down cleanly. The page cache size comes from NEO4J_LAUNCH_PAGECACHE (e.g. "4g"; default 256m).
 *
 * Usage: java -cp CLASSPATH Neo4jLauncher HOME_DIR PORT   (password in NEO4J_LAUNCH_PASSWORD, 8+ characters)
 */
public final class Neo4jLauncher {
    private Neo4jLauncher() {
    }

    public static void main(String[] args) throws Exception {
        String password = System.getenv("NEO4J_LAUNCH_PASSWORD");
        if (args.length != 2 || password == null || password.length() < 8) {
            System.err.println("usage: NEO4J_LAUNCH_PASSWORD=<8+ characters> Neo4jLauncher HOME_DIR PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String pagecache = System.getenv().getOrDefault("NEO4J_LAUNCH_PAGECACHE", "256m");
        int port = Integer.parseInt(args[1]);

        long t0 = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache))
                .setConfig(GraphDatabaseSettings.udc_enabled, false)               // no usage reports home
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)  // small, short-lived databases
                // tests and benchmarks need no transaction-log history (backups, clusters): ten 100k-entity loads
                // kept 6 GB under the default "2 days"
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .build();

        CountDownLatch down = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping");
            dbms.shutdown();
            System.out.println("stopped");
            down.countDown();
        }, "neo4j-launcher-shutdown"));

        System.out.printf("DBMS started in %.1fs%n", (System.nanoTime() - t0) / 1e9);
        try {
            long t1 = System.nanoTime();
            var system = dbms.database("system");
            try {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
            } catch (RuntimeException e) {
                // a restart on kept data (neo4j.sh import): the password is already this one
                if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                    throw e;
                }
            }
            System.out.printf("password set in %.1fs%n", (System.nanoTime() - t1) / 1e9);
            String version = system.executeTransactionally(
                    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS v, edition",
                    Map.of(),
                    result -> {
                        var row = result.next();
                        return row.get("name") + " " + row.get("v") + " " + row.get("edition");
                    });
            System.out.println("READY bolt://127.0.0.1:" + port + " " + version);
            System.out.flush();
        } catch (RuntimeException e) {
            // The DBMS threads would keep the JVM alive: exit (the shutdown hook stops the DBMS).
            e.printStackTrace();
            System.exit(1);
        }
        down.await();
    }
}
