import type { RouteObject } from "react-router-dom";
import { ReportPage } from "./ReportPage";
import { ReportsPage } from "./ReportsPage";

export const reportRoutes: RouteObject[] = [
  { path: "reports", element: <ReportsPage /> },
  { path: "reports/:slug", element: <ReportPage /> },
];
