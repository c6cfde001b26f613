import type { RouteObject } from "react-router-dom";
import { EndpointsPage } from "./EndpointsPage";

export const webhookRoutes: RouteObject[] = [{ path: "webhooks", element: <EndpointsPage /> }];
