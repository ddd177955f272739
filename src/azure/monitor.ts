import { useAzureMonitor, shutdownAzureMonitor } from '@azure/monitor-opentelemetry';

/**
 * Azure Monitor Application Insights as the OpenTelemetry exporter, when APPLICATIONINSIGHTS_CONNECTION_STRING is set
 * (https://learn.microsoft.com/azure/azure-monitor/app/opentelemetry-enable?tabs=nodejs). Our own spans and metrics
 * (src/telemetry.ts) go out through it; its automatic HTTP instrumentation is off, since the bot records its Azure
 * and Teams calls itself with the attributes that matter (and without query strings, where SAS tokens live).
 * The connection string is a credential of the Application Insights resource: never logged.
 */
export function startAzureMonitor(connectionString: string): { stop(): Promise<void> } {
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    instrumentationOptions: {
      http: { enabled: false },
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
    enableLiveMetrics: false,
  });
  return { stop: () => shutdownAzureMonitor() };
}
