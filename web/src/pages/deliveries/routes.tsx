import type { RouteObject } from "react-router-dom";
import { DeliveriesPage } from "./DeliveriesPage";

export const deliveryRoutes: RouteObject[] = [{ path: "deliveries", element: <DeliveriesPage /> }];
