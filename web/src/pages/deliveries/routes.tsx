import type { RouteObject } from "react-router-dom";
import { DeliveriesPage } from "./DeliveriesPage";
import { DeliveryPage } from "./DeliveryPage";

export const deliveryRoutes: RouteObject[] = [
  { path: "deliveries", element: <DeliveriesPage /> },
  { path: "deliveries/:id", element: <DeliveryPage /> },
];
