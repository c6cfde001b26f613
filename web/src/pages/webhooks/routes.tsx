import type { RouteObject } from "react-router-dom";
import { EndpointPage } from "./EndpointPage";
import { EndpointsPage } from "./EndpointsPage";
import { NewEndpointPage } from "./NewEndpointPage";

export const webhookRoutes: RouteObject[] = [
  { path: "webhooks", element: <EndpointsPage /> },
  { path: "webhooks/new", element: <NewEndpointPage /> },
  { path: "webhooks/:id", element: <EndpointPage /> },
];
