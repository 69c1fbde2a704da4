/**
 * Charts and tables for notebooks and reports. Figure builders return plain plotly {data, layout} JSON;
 * show()/showTable() render them in a tslab notebook; writeReport() makes an offline HTML file.
 */
export type { Figure, Trace, Layout } from "./types";
export { isFigure } from "./types";
export { PALETTE, color, withAlpha, baseLayout } from "./theme";
export { ema, DEFAULT_EMA } from "./smooth";
export { lossCurves, DEFAULT_LOSS_CURVES, type LossPoint, type LossRun, type LossCurvesOptions } from "./figures/loss";
export { winRateChart, DEFAULT_WIN_RATE, type WinRateRow, type WinRateOptions, type FloorMark } from "./figures/winrate";
export { ablationCurve, DEFAULT_ABLATION, type AblationRow, type AblationOptions } from "./figures/ablation";
export { mixtureComposition, DEFAULT_MIXTURE, type Counts, type NamedCounts, type MixtureOptions } from "./figures/mixture";
export { lengthHistogram, DEFAULT_LENGTH_HISTOGRAM, type LengthHistogramOptions } from "./figures/histogram";
export { heatmap, DEFAULT_HEATMAP, type HeatmapGrid, type HeatmapOptions } from "./figures/heatmap";
export {
  show,
  showTable,
  showSections,
  tableHtml,
  liveLossChart,
  loadPlotly,
  inNotebook,
  figureSummary,
  DEFAULT_LIVE_LOSS_CHART,
  type LiveLossChart,
  type LiveLossChartOptions,
  type HtmlTable,
  type ShowTableOptions,
} from "./notebook";
export { figureHtml } from "./html";
export { markdownToHtml } from "./markdown";
export { reportHtml, writeReport, type ReportSection, type ReportOptions } from "./report";
export { plotlyBundlePath } from "./bundle";
