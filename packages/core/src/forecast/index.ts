// Forecasting for creator analytics: pure TypeScript, usable on the server and in the studio.
export { forecast, FORECAST_MINIMUM_DAYS, MAX_HORIZON_DAYS } from './forecast';
export type { ForecastOptions, ForecastPoint, ForecastResult } from './forecast';
export { backtest } from './backtest';
export type { BacktestOptions, BacktestReport } from './backtest';
export { autoEts, fitEts, forecastEts, etsName, ETS_SPECS } from './ets';
export type { EtsFit, EtsForecast, EtsParams, EtsSpec } from './ets';
export { MAX_SERIES_DAYS } from './daily-series';
export type { SeriesPoint, MissingDays } from './daily-series';
