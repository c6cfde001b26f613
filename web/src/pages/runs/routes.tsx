import type { RouteObject } from "react-router-dom";
import { RunPage } from "./RunPage";
import { RunsPage } from "./RunsPage";

export const runRoutes: RouteObject[] = [
  { path: "runs", element: <RunsPage /> },
  { path: "runs/:id", element: <RunPage /> },
];
