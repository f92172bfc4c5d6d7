package org.newsearch.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.rankeval.RankEvalPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Runs ONE OpenSearch 2.19 node in this JVM, with the stock modules that the
 * project needs loaded as classpath plugins (there is no distribution tarball,
 * only Maven Central jars).
 *
 * <p>Usage: {@code java -cp ... org.newsearch.cluster.NodeLauncher --pid-file F -Ekey=value ...}.
 * All node settings come from {@code -E} arguments (cluster/opensearch.sh builds them);
 * {@code path.home} is required. The node runs until the JVM receives SIGTERM/SIGINT,
 * then it is closed cleanly by a shutdown hook.
 */
public final class NodeLauncher {

    /** The modules of a stock distribution that this cluster provides. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,          // http.type / transport.type = netty4
        CommonAnalysisPlugin.class,  // whitespace, stemmers, shingle, synonym, ...
        PainlessPlugin.class,        // scripts (script_score, runtime fields, ...)
        MapperExtrasPlugin.class,    // scaled_float, rank_feature(s), search_as_you_type, token_count
        ReindexPlugin.class,         // _reindex, _delete_by_query, _update_by_query
        RankEvalPlugin.class         // _rank_eval (relevance benchmarks)
    );

    /** Node subclass only to reach the protected constructor that accepts classpath plugins. */
    static final class LocalNode extends Node {
        LocalNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private NodeLauncher() {}

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        Path pidFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--pid-file") && i + 1 < args.length) {
                pidFile = Paths.get(args[++i]);
            } else if (arg.startsWith("-E") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
                builder.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                System.err.println("usage: NodeLauncher [--pid-file FILE] -Ekey=value ...; bad argument: " + arg);
                System.exit(64);
            }
        }
        Settings settings = builder.build();
        String home = settings.get("path.home");
        if (home == null) {
            System.err.println("NodeLauncher: -Epath.home=... is required");
            System.exit(64);
        }
        if (pidFile != null) {
            writeAtomically(pidFile, ProcessHandle.current().pid() + "\n");
        }

        Path configDir = Paths.get(home).resolve("config");
        Files.createDirectories(configDir);
        installLoggingConfig(configDir);

        LogConfigurator.registerErrorListener();
        String nodeName = settings.get("node.name", "node");
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), configDir, () -> nodeName);
        LogConfigurator.setNodeName(nodeName); // needed by the %node_name pattern converter
        LogConfigurator.configure(environment);
        Logger logger = LogManager.getLogger(NodeLauncher.class);

        final Node node;
        try {
            node = new LocalNode(environment, PLUGINS);
        } catch (Exception e) {
            logger.error("node construction failed", e);
            shutdownLogging();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                logger.info("shutdown requested, closing node");
                node.close();
                if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                    logger.warn("node did not close within 30s");
                }
            } catch (Exception e) {
                logger.warn("error while closing node", e);
            } finally {
                stopped.countDown();
                shutdownLogging();
            }
        }, "newsearch-node-shutdown"));

        try {
            node.start();
        } catch (Exception e) {
            logger.error("node start failed", e);
            System.exit(1); // runs the shutdown hook, which closes what was started
        }
        logger.info("newsearch local node [{}] started (OpenSearch classpath launcher, pid {})",
            nodeName, ProcessHandle.current().pid());
        stopped.await();
    }

    private static void installLoggingConfig(Path configDir) throws IOException {
        Path target = configDir.resolve("log4j2.properties");
        try (InputStream in = NodeLauncher.class.getResourceAsStream("/newsearch-log4j2.properties")) {
            if (in == null) {
                throw new IOException("resource newsearch-log4j2.properties missing from the launcher");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void shutdownLogging() {
        try {
            Configurator.shutdown((org.apache.logging.log4j.core.LoggerContext) LogManager.getContext(false));
        } catch (RuntimeException | LinkageError ignored) {
            // best effort
        }
    }
}
