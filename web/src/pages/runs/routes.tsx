import type { RouteObject } from "react-router-dom";
import { RunsPage } from "./RunsPage";

export const runRoutes: RouteObject[] = [{ path: "runs", element: <RunsPage /> }];
