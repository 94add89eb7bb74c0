package io.darner.processors.store;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.util.function.Supplier;

/** The control plane's database: plain JDBC through Spring's template, one transaction per change. */
public final class Db {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public Db(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public JdbcTemplate jdbc() {
        return jdbc;
    }

    /** Runs {@code work} in one transaction: all of it is written, or none. */
    public <T> T inTransaction(Supplier<T> work) {
        return tx.execute(status -> work.get());
    }

    public void inTransaction(Runnable work) {
        tx.executeWithoutResult(status -> work.run());
    }
}
